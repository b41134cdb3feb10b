package org.treatyexchange.server.sftp;

import java.util.List;
import org.apache.sshd.common.file.util.BasePath;

/** A path in an account's virtual tree. It names nothing on the host: there is no host path to escape to. */
final class DropBoxPath extends BasePath<DropBoxPath, DropBoxFileSystem> {

    DropBoxPath(DropBoxFileSystem fs, String root, List<String> names) {
        super(fs, root, names);
    }

    /** The normalised, absolute segments of this path ({@code ..} resolved within the virtual root). */
    List<String> segments() {
        return toAbsolutePath().normalize().names;
    }

    /** There are no links in the virtual tree: the real path is the normalised absolute one. */
    @Override
    public DropBoxPath toRealPath(java.nio.file.LinkOption... options) {
        return toAbsolutePath().normalize();
    }

    /** Whether the path as written contains a {@code ..} segment (writes refuse such paths). */
    boolean hasParentReference() {
        return names.contains("..");
    }
}
