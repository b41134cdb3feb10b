package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;
import org.treatyexchange.server.application.MessageDraft;
import org.treatyexchange.server.application.Refusal;

/**
 * The message form as it streams in ({@link StreamedForm}): only a secretariat session may post it; each
 * attachment goes straight into the {@link MessageDraft}, begun with the form's fields at the first
 * attachment (or at the end, for a message without one). Any refusal discards the draft and every attachment.
 */
final class MessageUpload extends StreamedForm {

    static final String ATTACHMENT_FIELD = "attachment";
    /** The text of a message may be longer than a filing form's fields. */
    static final int MAX_FIELD_BYTES = 64 * 1024;
    private static final FileInput ATTACHMENTS = new FileInput(ATTACHMENT_FIELD, "attachments", "an attachment");

    private final MessagePages messagePages;
    private MessageDraft draft;

    MessageUpload(MessagePages messagePages, SessionGuard guard, Pages pages, PageRequest request, View v, String boundary) {
        super(guard, pages, request, v, boundary, MAX_FIELD_BYTES, ATTACHMENTS);
        this.messagePages = messagePages;
    }

    @Override
    Optional<PageResponse> notForCaller(SignedIn signed) {
        if (!signed.caller().isSecretariat()) {
            return Optional.of(pages().error(view().signedIn(signed), HttpResponseStatus.NOT_FOUND, view().t("error.notfound")));
        }
        return Optional.empty();
    }

    @Override
    void startFile(String fileName) throws Refusal {
        if (draft == null) {
            draft = messagePages.begin(who(), fields());
        }
        draft.startAttachment(fileName);
    }

    @Override
    void writeFile(byte[] b, int off, int len) throws Refusal {
        draft.write(b, off, len);
    }

    @Override
    void endFile() throws Refusal {
        draft.endAttachment();
    }

    @Override
    PageResponse complete() throws Refusal {
        if (draft == null) {
            draft = messagePages.begin(who(), fields()); // a message without attachments
        }
        draft.send();
        draft = null;
        return PageResponse.redirect(MessagePages.PATH + "?sent=1");
    }

    @Override
    PageResponse refused(Refusal why) {
        return messagePages.refused(view(), who(), fields(), why);
    }

    @Override
    void discard() {
        if (draft != null) {
            draft.close();
            draft = null;
        }
    }
}
