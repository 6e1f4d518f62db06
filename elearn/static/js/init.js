// Starts GOV.UK Frontend's components (menu toggle, error summary focus, conditional reveals).
//
// GOV.UK's page template marks the body with an inline script; our Content Security Policy
// forbids inline script, so this module does it instead. Browsers that cannot run modules
// never get the class, and the components stay in their working no-JavaScript form.
import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
