package org.treatyexchange.server.sftp;

import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.file.util.BaseFileSystem;

/** One session's view of the exchange: a virtual file system over the account's filings. */
final class DropBoxFileSystem extends BaseFileSystem<DropBoxPath> {

    private static final int REMEMBERED_WRITES = 256;

    private final AccountView view;
    private volatile boolean open = true;
    /**
     * What this session wrote, newest last: clients stat a file right after writing it (paramiko confirms
     * the size) and keep its timestamp (WinSCP, {@code put -p}), also where the filing is listed elsewhere
     * (no level said) or nothing is listed at all (a manifest).
     */
    private final Map<String, WriteOnceChannel> written = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, WriteOnceChannel> eldest) {
                    return size() > REMEMBERED_WRITES;
                }
            });

    DropBoxFileSystem(DropBoxProvider provider, AccountView view) {
        super(provider);
        this.view = view;
    }

    AccountView view() {
        return view;
    }

    void wrote(DropBoxPath path, WriteOnceChannel channel) {
        written.put(path.toAbsolutePath().normalize().toString(), channel);
    }

    /** What this session is writing, or wrote and had accepted, at this path. */
    java.util.Optional<WriteOnceChannel> wroteThisSession(DropBoxPath path) {
        return java.util.Optional.ofNullable(written.get(path.toAbsolutePath().normalize().toString()))
                .filter(WriteOnceChannel::inProgressOrAccepted);
    }

    @Override
    protected DropBoxPath create(String root, List<String> names) {
        return new DropBoxPath(this, root, names);
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic", "posix");
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException("no principal lookup in the exchange");
    }
}
