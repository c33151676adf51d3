"""Checks on canonical records: Caseboard's own (``checks``) and the DfE rule packs run in isolation (``dfe_rules``)."""
