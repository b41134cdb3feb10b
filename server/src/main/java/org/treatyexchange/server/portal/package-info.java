/**
 * The browser edge: HTTPS for people (public pages; login with password and TOTP, sessions, CSRF tokens; the
 * signed-in areas behind the session guard), server-rendered pages
 * from templates compiled at build time, security headers, static files. It decodes HTTP, calls the
 * application layer and maps a refusal to a page; it holds no rule of its own.
 */
package org.treatyexchange.server.portal;
