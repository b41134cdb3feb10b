package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.Refusal;

/**
 * A multipart form as it streams in, the shape every streamed portal form shares: the session is checked
 * before the body is read, the CSRF token must be the form's first field and match before any file byte is
 * taken, the other fields must all come before the first named file (the forms put their file input last),
 * an empty file part (no file chosen) is skipped, and each named file goes straight to the form's
 * destination. Any refusal discards what the destination holds; the rest of the body is read and dropped,
 * and the answer is the form with the reason. A subclass says only what is its own: who may post it, where
 * a file goes, and what the desk is asked at the end.
 */
abstract class StreamedForm implements PortalRoutes.UploadRequest, MultipartParser.Handler {

    static final int MAX_PARTS = 512;

    /** The form's one file input, and how a refusal names what it carries ("documents", "a document"). */
    record FileInput(String field, String plural, String singular) {
    }

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final SessionGuard guard;
    private final Pages pages;
    private final PageRequest request;
    private final FileInput fileInput;
    private View v;
    private final MultipartParser parser;
    private final Map<String, List<String>> fields = new LinkedHashMap<>();
    private SignedIn who;
    private boolean csrfChecked;
    /** A named file has begun: no more fields. */
    private boolean filesBegun;
    private boolean skippingEmptyFile;
    /** Why the form is refused, once it is; nothing more is parsed or kept. */
    private PageResponse refusedWith;

    StreamedForm(SessionGuard guard, Pages pages, PageRequest request, View v, String boundary, int maxFieldBytes,
            FileInput fileInput) {
        this.guard = guard;
        this.pages = pages;
        this.request = request;
        this.v = v;
        this.fileInput = fileInput;
        this.parser = boundary == null ? null : new MultipartParser(boundary, maxFieldBytes, MAX_PARTS, this);
    }

    // ---- what each form owns ------------------------------------------------------------------------

    /** The page for a signed-in caller this form is not for (before the body is read), or empty. */
    abstract Optional<PageResponse> notForCaller(SignedIn signed);

    /** A named file begins; the form's fields are all in ({@link #fields()}). */
    abstract void startFile(String fileName) throws Refusal;

    abstract void writeFile(byte[] b, int off, int len) throws Refusal;

    abstract void endFile() throws Refusal;

    /** The whole form is in and well-formed: what the desk is asked, and the answer. */
    abstract PageResponse complete() throws Refusal;

    /** The form again, with why it is refused. */
    abstract PageResponse refused(Refusal why);

    /** Drops whatever the form's files went into; called again after, it does nothing. */
    abstract void discard();

    // ---- for the forms ------------------------------------------------------------------------------

    final Pages pages() {
        return pages;
    }

    final PageRequest request() {
        return request;
    }

    final View view() {
        return v;
    }

    final SignedIn who() {
        return who;
    }

    final Map<String, List<String>> fields() {
        return fields;
    }

    // ---- the upload as UploadHandler drives it ------------------------------------------------------

    @Override
    public final void begin() {
        try {
            Optional<SignedIn> signed = guard.signedIn(request);
            if (signed.isEmpty()) {
                refusedWith = PageResponse.redirect(request.cookie(SessionCookie.SESSION).isPresent() ? PortalRoutes.LOGIN + "?ended=1"
                        : PortalRoutes.LOGIN);
                return;
            }
            Optional<PageResponse> notFor = notForCaller(signed.get());
            if (notFor.isPresent()) {
                refusedWith = notFor.get();
            } else if (parser == null) {
                refusedWith = pages.error(v, HttpResponseStatus.BAD_REQUEST, v.t("error.malformed"));
            } else {
                who = signed.get();
                v = v.signedIn(who);
            }
        } catch (RuntimeException e) {
            log.error("POST {}: {}", request.path(), e.toString(), e);
            refusedWith = pages.error(v, HttpResponseStatus.INTERNAL_SERVER_ERROR, v.t("error.unavailable"));
        }
    }

    @Override
    public final void feed(byte[] chunk) {
        if (refusedWith != null) {
            return; // read and dropped
        }
        try {
            parser.feed(chunk, 0, chunk.length);
        } catch (Refusal e) {
            refuse(e);
        } catch (CsrfMismatch e) {
            discard();
            refusedWith = pages.error(v, HttpResponseStatus.FORBIDDEN, v.t("error.csrf"));
        } catch (RuntimeException e) {
            log.error("POST {}: {}", request.path(), e.toString(), e);
            discard();
            refusedWith = pages.error(v, HttpResponseStatus.INTERNAL_SERVER_ERROR, v.t("error.unavailable"));
        }
    }

    @Override
    public final PageResponse finish() {
        if (refusedWith != null) {
            return refusedWith;
        }
        try {
            if (!parser.finished() || !csrfChecked) {
                throw new Refusal(Refusal.Reason.MALFORMED, "the form's data is not well-formed");
            }
            return complete();
        } catch (Refusal e) {
            refuse(e);
            return refusedWith;
        } catch (RuntimeException e) {
            log.error("POST {}: {}", request.path(), e.toString(), e);
            discard();
            return pages.error(v, HttpResponseStatus.INTERNAL_SERVER_ERROR, v.t("error.unavailable"));
        }
    }

    @Override
    public final void abandon() {
        discard();
    }

    private void refuse(Refusal e) {
        discard();
        refusedWith = refused(e);
    }

    // ---- the parser's events ------------------------------------------------------------------------

    /** The form's first field is not a matching CSRF token. */
    private static final class CsrfMismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CsrfMismatch() {
            super("csrf", null, false, false);
        }
    }

    @Override
    public final void field(String name, String value) throws Refusal {
        if (!csrfChecked) {
            if (!name.equals(StatePages.CSRF_FIELD) || !guard.csrfMatches(who, value)) {
                throw new CsrfMismatch();
            }
            csrfChecked = true;
            return;
        }
        if (filesBegun) {
            throw new Refusal(Refusal.Reason.MALFORMED, "the form's fields must come before its " + fileInput.plural());
        }
        fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    @Override
    public final void fileStart(String field, String fileName) throws Refusal {
        if (!csrfChecked) {
            throw new CsrfMismatch();
        }
        if (!field.equals(fileInput.field())) {
            throw new Refusal(Refusal.Reason.MALFORMED, "unexpected file field");
        }
        if (fileName.isEmpty()) {
            skippingEmptyFile = true; // an empty file input (no file chosen) sends an empty part
            return;
        }
        filesBegun = true;
        startFile(fileName);
    }

    @Override
    public final void fileData(byte[] b, int off, int len) throws Refusal {
        if (!skippingEmptyFile) {
            writeFile(b, off, len);
        } else if (len > 0) {
            throw new Refusal(Refusal.Reason.MALFORMED, fileInput.singular() + " without a name");
        }
    }

    @Override
    public final void fileEnd() throws Refusal {
        if (skippingEmptyFile) {
            skippingEmptyFile = false;
            return;
        }
        endFile();
    }
}
