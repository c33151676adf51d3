// GOV.UK Frontend's components (skip link, navigation toggle, error summary focus) on pages that can run them.
import { initAll } from "./govuk/govuk-frontend.min.js";
document.body.classList.add("govuk-frontend-supported");
initAll();
