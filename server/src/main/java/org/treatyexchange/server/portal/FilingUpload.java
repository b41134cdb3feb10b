package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.FilingBatch;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.Upload;

/**
 * The filing form as it streams in: the session is checked before the body is read, the CSRF token must
 * be the form's first field and match before any document byte is taken, the other fields must all come
 * before the first document (the form puts the file input last), and each document goes straight into
 * the application layer's {@link FilingBatch} (hashed and encrypted as it arrives). Any refusal discards
 * the whole batch; the rest of the body is read and dropped, and the answer is the form with the reason.
 */
final class FilingUpload implements PortalRoutes.UploadRequest, MultipartParser.Handler {

    private static final Logger LOG = LoggerFactory.getLogger(FilingUpload.class);
    static final int MAX_FIELD_BYTES = 4096;
    static final int MAX_PARTS = 512;

    private final StatePages statePages;
    private final SessionGuard guard;
    private final Pages pages;
    private final PageRequest request;
    private View v;
    private final MultipartParser parser;
    private final Map<String, List<String>> fields = new LinkedHashMap<>();
    private SignedIn who;
    private boolean csrfChecked;
    private FilingBatch batch;
    private boolean skippingEmptyFile;
    /** Why the form is refused, once it is; nothing more is parsed or kept. */
    private PageResponse refusedWith;

    FilingUpload(StatePages statePages, SessionGuard guard, Pages pages, PageRequest request, View v, String boundary) {
        this.statePages = statePages;
        this.guard = guard;
        this.pages = pages;
        this.request = request;
        this.v = v;
        this.parser = boundary == null ? null : new MultipartParser(boundary, MAX_FIELD_BYTES, MAX_PARTS, this);
    }

    @Override
    public void begin() {
        try {
            Optional<SignedIn> signed = guard.signedIn(request);
            if (signed.isEmpty()) {
                refusedWith = PageResponse.redirect(request.cookie(SessionCookie.SESSION).isPresent() ? PortalRoutes.LOGIN + "?ended=1"
                        : PortalRoutes.LOGIN);
            } else if (signed.get().caller().isSecretariat() || statePages.uploadTarget(request.path()).isEmpty()) {
                refusedWith = pages.error(v, HttpResponseStatus.NOT_FOUND, v.t("error.notfound"));
            } else if (parser == null) {
                refusedWith = pages.error(v, HttpResponseStatus.BAD_REQUEST, v.t("error.malformed"));
            } else {
                who = signed.get();
                v = v.signedIn(who);
            }
        } catch (RuntimeException e) {
            LOG.error("POST {}: {}", request.path(), e.toString(), e);
            refusedWith = pages.error(v, HttpResponseStatus.INTERNAL_SERVER_ERROR, v.t("error.unavailable"));
        }
    }

    @Override
    public void feed(byte[] chunk) {
        if (refusedWith != null) {
            return; // read and dropped
        }
        try {
            parser.feed(chunk, 0, chunk.length);
        } catch (Refusal e) {
            refuse(e);
        } catch (CsrfMismatch e) {
            close();
            refusedWith = pages.error(v, HttpResponseStatus.FORBIDDEN, v.t("error.csrf"));
        } catch (RuntimeException e) {
            LOG.error("POST {}: {}", request.path(), e.toString(), e);
            close();
            refusedWith = pages.error(v, HttpResponseStatus.INTERNAL_SERVER_ERROR, v.t("error.unavailable"));
        }
    }

    @Override
    public PageResponse finish() {
        if (refusedWith != null) {
            return refusedWith;
        }
        try {
            if (!parser.finished() || batch == null && !csrfChecked) {
                throw new Refusal(Refusal.Reason.MALFORMED, "the form's data is not well-formed");
            }
            if (batch == null) {
                // no document chosen: the form's other fields are still checked, so that every mistake shows at once
                statePages.openBatch(request.path(), who, fields).close();
                throw new Refusal(Refusal.Reason.MALFORMED, v.t("file.error.no-document"));
            }
            List<Upload.Filed> filed = batch.commit();
            batch = null;
            return statePages.filed(v, who, filed);
        } catch (Refusal e) {
            refuse(e);
            return refusedWith;
        } catch (RuntimeException e) {
            LOG.error("POST {}: {}", request.path(), e.toString(), e);
            close();
            return pages.error(v, HttpResponseStatus.INTERNAL_SERVER_ERROR, v.t("error.unavailable"));
        }
    }

    @Override
    public void abandon() {
        close();
    }

    private void refuse(Refusal e) {
        close();
        refusedWith = statePages.formRefused(request.path(), v, who, fields, e);
    }

    private void close() {
        if (batch != null) {
            batch.close();
            batch = null;
        }
    }

    private String first(String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
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
    public void field(String name, String value) throws Refusal {
        if (!csrfChecked) {
            if (!name.equals(StatePages.CSRF_FIELD) || !guard.csrfMatches(who, value)) {
                throw new CsrfMismatch();
            }
            csrfChecked = true;
            return;
        }
        if (batch != null) {
            throw new Refusal(Refusal.Reason.MALFORMED, "the form's fields must come before its documents");
        }
        fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    @Override
    public void fileStart(String field, String fileName) throws Refusal {
        if (!csrfChecked) {
            throw new CsrfMismatch();
        }
        if (!field.equals(StatePages.DOCUMENT_FIELD)) {
            throw new Refusal(Refusal.Reason.MALFORMED, "unexpected file field");
        }
        if (fileName.isEmpty()) {
            skippingEmptyFile = true; // an empty file input (no file chosen) sends an empty part
            return;
        }
        if (batch == null) {
            batch = statePages.openBatch(request.path(), who, fields);
        }
        batch.startDocument(fileName);
    }

    @Override
    public void fileData(byte[] b, int off, int len) throws Refusal {
        if (!skippingEmptyFile) {
            batch.write(b, off, len);
        } else if (len > 0) {
            throw new Refusal(Refusal.Reason.MALFORMED, "a document without a name");
        }
    }

    @Override
    public void fileEnd() throws Refusal {
        if (skippingEmptyFile) {
            skippingEmptyFile = false;
            return;
        }
        batch.endDocument();
    }
}
