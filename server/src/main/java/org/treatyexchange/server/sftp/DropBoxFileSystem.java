package org.treatyexchange.server.sftp;

import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.file.util.BaseFileSystem;

/** One session's view of the exchange: a virtual file system over the account's filings. */
final class DropBoxFileSystem extends BaseFileSystem<DropBoxPath> {

    private final AccountView view;
    private volatile boolean open = true;

    DropBoxFileSystem(DropBoxProvider provider, AccountView view) {
        super(provider);
        this.view = view;
    }

    AccountView view() {
        return view;
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
