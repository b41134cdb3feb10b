package org.treatyexchange.server.portal;

import org.treatyexchange.server.application.Caller;

/**
 * A person signed in to the portal: who they are to the application layer, and the token every form
 * they post must carry. Made only by the session guard, after the session cookie and (on a POST) the
 * CSRF token have been checked.
 *
 * @param caller the person's account and State, channel {@link Caller.Channel#PORTAL}
 * @param csrfToken the session's anti-forgery token, printed into every form as a hidden field
 */
record SignedIn(Caller caller, String csrfToken) {
}
