package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.application.FilingBatch;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.Upload;

/**
 * The filing form as it streams in ({@link StreamedForm}): only a State's session may post it, to one of its
 * upload pages; each document goes straight into the application layer's {@link FilingBatch} (hashed and
 * encrypted as it arrives), opened with the form's fields at the first document. Any refusal discards the
 * whole batch.
 */
final class FilingUpload extends StreamedForm {

    static final int MAX_FIELD_BYTES = 4096;
    private static final FileInput DOCUMENTS = new FileInput(StatePages.DOCUMENT_FIELD, "documents", "a document");

    private final StatePages statePages;
    private FilingBatch batch;

    FilingUpload(StatePages statePages, SessionGuard guard, Pages pages, PageRequest request, View v, String boundary) {
        super(guard, pages, request, v, boundary, MAX_FIELD_BYTES, DOCUMENTS);
        this.statePages = statePages;
    }

    @Override
    Optional<PageResponse> notForCaller(SignedIn signed) {
        if (signed.caller().isSecretariat() || statePages.uploadTarget(request().path()).isEmpty()) {
            return Optional.of(pages().error(view(), HttpResponseStatus.NOT_FOUND, view().t("error.notfound")));
        }
        return Optional.empty();
    }

    @Override
    void startFile(String fileName) throws Refusal {
        if (batch == null) {
            batch = statePages.openBatch(request().path(), who(), fields());
        }
        batch.startDocument(fileName);
    }

    @Override
    void writeFile(byte[] b, int off, int len) throws Refusal {
        batch.write(b, off, len);
    }

    @Override
    void endFile() throws Refusal {
        batch.endDocument();
    }

    @Override
    PageResponse complete() throws Refusal {
        if (batch == null) {
            // no document chosen: the form's other fields are still checked, so that every mistake shows at once
            statePages.openBatch(request().path(), who(), fields()).close();
            throw new Refusal(Refusal.Reason.MALFORMED, view().t("file.error.no-document"));
        }
        List<Upload.Filed> filed = batch.commit();
        batch = null;
        return statePages.filed(view(), who(), filed);
    }

    @Override
    PageResponse refused(Refusal why) {
        return statePages.formRefused(request().path(), view(), who(), fields(), why);
    }

    @Override
    void discard() {
        if (batch != null) {
            batch.close();
            batch = null;
        }
    }
}
