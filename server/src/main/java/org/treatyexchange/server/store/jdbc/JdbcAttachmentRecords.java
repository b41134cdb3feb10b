package org.treatyexchange.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.treatyexchange.server.store.AttachmentRecords;
import org.treatyexchange.server.store.StoreException;

/** Table {@code message_attachment}. */
final class JdbcAttachmentRecords implements AttachmentRecords {

    private static final String COLUMNS = "item_id, doc_index, file_name, media_type, size_bytes, sha256, blob_id";
    private static final String INSERT = "INSERT INTO message_attachment (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String OF_ITEM = "SELECT " + COLUMNS + " FROM message_attachment WHERE item_id = ? ORDER BY doc_index";

    private final JdbcTx tx;

    JdbcAttachmentRecords(JdbcTx tx) {
        this.tx = tx;
    }

    @Override
    public void insert(Attachment a) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(INSERT)) {
            ps.setString(1, a.itemId());
            ps.setInt(2, a.index());
            ps.setString(3, a.fileName());
            ps.setString(4, a.mediaType());
            ps.setLong(5, a.size());
            ps.setString(6, a.sha256());
            ps.setString(7, a.blobId());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.map(e, "store message attachment");
        }
    }

    @Override
    public List<Attachment> of(String itemId) throws StoreException {
        try (PreparedStatement ps = tx.connection().prepareStatement(OF_ITEM)) {
            ps.setString(1, itemId);
            List<Attachment> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Attachment(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6),
                            rs.getString(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw SqlErrors.map(e, "list message attachments");
        }
    }
}
