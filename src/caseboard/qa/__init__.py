"""Quality assurance (issue 5): case file audits, moderation, case risk ratings and feedback.

The data and logic layer; the web application builds its QA pages on these functions (each takes a
:class:`~caseboard.store.Store` and creates the ``qa_*`` tables on first use):

* ``templates``: ``install_shipped``, ``save`` (a changed document makes a new version), ``template(id,
  version)``; shipped YAML in ``qa/templates/``.
* ``sampling``: ``create_programme``, ``create_sample`` (seeded, recorded, stratified by area and team,
  auditors assigned with a due date, own team excluded unless allowed), ``sample_cases``; ``cohorts.SELECTORS``
  lists the random, targeted and cohort selections.
* ``audits``: ``record_conversation``, ``record_answers``, ``complete`` (a critical finding alerts the team
  manager and head of service), ``record_feedback``, ``add_action``/``complete_action``,
  ``choose_for_moderation``, ``moderate``, ``alerts``/``acknowledge``, ``set_head_of_service``, ``for_child``.
* ``risk``: ``rate``, ``history``, ``current`` (red first).
* ``feedback``: ``respond`` (a form version, child, team, channel).
* ``stats``: ``grades_by``, ``themes``, ``audit_progress``, ``action_completion``, ``moderation_agreement``,
  ``feedback_results``, ``risk_summary``, ``quality_beside_volume``, ``summary``.

Free text is stored exactly as given; escaping it is the page's job when it is shown. Roles, scopes and the
audit log are the web application's: these functions take the acting person's id where a record names one.
"""
