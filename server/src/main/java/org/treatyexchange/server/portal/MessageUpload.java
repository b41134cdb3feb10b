package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.MessageDraft;
import org.treatyexchange.server.application.Refusal;

/**
 * The message form as it streams in, in the shape of {@link FilingUpload}: a secretariat session is checked
 * before the body is read, the CSRF token must be the form's first field, the other fields come before the
 * first attachment, and each attachment goes straight into the {@link MessageDraft}. Any refusal discards
 * the draft and every attachment; the answer is the form with the reason.
 */
final class MessageUpload implements PortalRoutes.UploadRequest, MultipartParser.Handler {

    private static final Logger LOG = LoggerFactory.getLogger(MessageUpload.class);
    static final String ATTACHMENT_FIELD = "attachment";
    /** The text of a message may be longer than a filing form's fields. */
    static final int MAX_FIELD_BYTES = 64 * 1024;

    private final MessagePages messagePages;
    private final SessionGuard guard;
    private final Pages pages;
    private final PageRequest request;
    private View v;
    private final MultipartParser parser;
    private final Map<String, List<String>> fields = new LinkedHashMap<>();
    private SignedIn who;
    private boolean csrfChecked;
    private MessageDraft draft;
    private boolean skippingEmptyFile;
    private PageResponse refusedWith;

    MessageUpload(MessagePages messagePages, SessionGuard guard, Pages pages, PageRequest request, View v, String boundary) {
        this.messagePages = messagePages;
        this.guard = guard;
        this.pages = pages;
        this.request = request;
        this.v = v;
        this.parser = boundary == null ? null : new MultipartParser(boundary, MAX_FIELD_BYTES, FilingUpload.MAX_PARTS, this);
    }

    @Override
    public void begin() {
        try {
            Optional<SignedIn> signed = guard.signedIn(request);
            if (signed.isEmpty()) {
                refusedWith = PageResponse.redirect(request.cookie(SessionCookie.SESSION).isPresent() ? PortalRoutes.LOGIN + "?ended=1"
                        : PortalRoutes.LOGIN);
            } else if (!signed.get().caller().isSecretariat()) {
                refusedWith = pages.error(v.signedIn(signed.get()), HttpResponseStatus.NOT_FOUND, v.t("error.notfound"));
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
            return;
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
            if (!parser.finished() || !csrfChecked) {
                throw new Refusal(Refusal.Reason.MALFORMED, "the form's data is not well-formed");
            }
            if (draft == null) {
                draft = messagePages.begin(who, fields); // a message without attachments
            }
            draft.send();
            draft = null;
            return PageResponse.redirect(MessagePages.PATH + "?sent=1");
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
        refusedWith = messagePages.refused(v, who, fields, e);
    }

    private void close() {
        if (draft != null) {
            draft.close();
            draft = null;
        }
    }

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
        if (draft != null) {
            throw new Refusal(Refusal.Reason.MALFORMED, "the form's fields must come before its attachments");
        }
        fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    @Override
    public void fileStart(String field, String fileName) throws Refusal {
        if (!csrfChecked) {
            throw new CsrfMismatch();
        }
        if (!field.equals(ATTACHMENT_FIELD)) {
            throw new Refusal(Refusal.Reason.MALFORMED, "unexpected file field");
        }
        if (fileName.isEmpty()) {
            skippingEmptyFile = true; // no file chosen: the browser sends an empty part
            return;
        }
        if (draft == null) {
            draft = messagePages.begin(who, fields);
        }
        draft.startAttachment(fileName);
    }

    @Override
    public void fileData(byte[] b, int off, int len) throws Refusal {
        if (!skippingEmptyFile) {
            draft.write(b, off, len);
        } else if (len > 0) {
            throw new Refusal(Refusal.Reason.MALFORMED, "an attachment without a name");
        }
    }

    @Override
    public void fileEnd() throws Refusal {
        if (skippingEmptyFile) {
            skippingEmptyFile = false;
            return;
        }
        draft.endAttachment();
    }
}
