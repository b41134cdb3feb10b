/**
 * Implementation of the SDK: the only package that touches Bouncy Castle (CMS, PEM). Not an API:
 * anything here may change without notice; use {@link org.treatyexchange.sdk}.
 */
package org.treatyexchange.sdk.internal;
