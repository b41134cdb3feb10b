package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;
import org.treatyexchange.server.filing.FilingService;
import org.treatyexchange.server.filing.Manifests;
import org.treatyexchange.server.release.Reports;
import org.treatyexchange.server.messages.MessageService;
import org.treatyexchange.server.release.ReleaseService;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.StateEntry;

/** Gives each authenticated session its own virtual tree, built from the identity fixed at login. */
final class DropBoxFileSystemFactory implements FileSystemFactory {

    private final DropBoxProvider provider = new DropBoxProvider();
    private final RegistryService registry;
    private final FilingService filings;
    private final MessageService messages;
    private final ReleaseService release;
    private final Manifests manifests;
    private final Reports reports;
    private final SftpSettings settings;

    DropBoxFileSystemFactory(RegistryService registry, FilingService filings, MessageService messages, ReleaseService release,
            Manifests manifests, Reports reports, SftpSettings settings) {
        this.reports = reports;
        this.registry = registry;
        this.filings = filings;
        this.messages = messages;
        this.release = release;
        this.manifests = manifests;
        this.settings = settings;
    }

    @Override
    public Path getUserHomeDir(SessionContext session) {
        return null; // the tree's root is the home
    }

    @Override
    public FileSystem createFileSystem(SessionContext session) throws IOException {
        SessionIdentity identity = session.getAttribute(SftpService.IDENTITY);
        if (identity == null) {
            throw DropBoxException.denied("not authenticated");
        }
        List<String> states = registry.current().states().stream().map(StateEntry::code).sorted().toList();
        return new DropBoxFileSystem(provider, new AccountView(identity, settings.reportTypes(), states, filings, messages, release, manifests, reports,
                identity.state() != null && registry.current().state(identity.state()).map(StateEntry::isStateParty).orElse(false),
                settings.maxFileNameBytes()));
    }
}
