/**
 * The browser edge: HTTPS for people (public pages now; the States' area next), server-rendered pages
 * from templates compiled at build time, security headers, static files. It decodes HTTP, calls the
 * application layer and maps a refusal to a page; it holds no rule of its own.
 */
package org.treatyexchange.server.portal;
