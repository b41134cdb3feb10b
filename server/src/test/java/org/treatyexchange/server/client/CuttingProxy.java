package org.treatyexchange.server.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A TCP proxy in front of the server's SFTP port that breaks the FIRST connection through it on purpose
 * (later connections pass untouched), to put real network faults in the middle of a transfer:
 * <ul>
 * <li>{@link #cutAfterClientBytes}: the connection is cut (both sockets closed) once the client has sent
 * that many bytes — an upload broken mid-way;</li>
 * <li>{@link #loseRepliesOnce}: once the client has sent that many bytes, every chunk the server sends
 * is first checked against a condition; when it holds (e.g. "the filing exists") the chunk is dropped
 * and the connection cut — the server did the work but its answer never arrives.</li>
 * </ul>
 */
final class CuttingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile long cutAfterClientBytes = -1;
    private volatile long loseRepliesAfterClientBytes = -1;
    private volatile BooleanSupplier loseWhen = () -> false;
    private final AtomicInteger cuts = new AtomicInteger();

    CuttingProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How many connections were cut. */
    int cuts() {
        return cuts.get();
    }

    void cutAfterClientBytes(long bytes) {
        cutAfterClientBytes = bytes;
    }

    void loseRepliesOnce(long afterClientBytes, BooleanSupplier when) {
        loseWhen = when;
        loseRepliesAfterClientBytes = afterClientBytes;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(server);
                boolean faulty = connections.getAndIncrement() == 0;
                AtomicLong fromClient = new AtomicLong();
                pump(client, server, faulty, fromClient, true);
                pump(server, client, faulty, fromClient, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean faulty, AtomicLong fromClient, boolean upstream) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (faulty && upstream) {
                        long sent = fromClient.addAndGet(n);
                        if (cutAfterClientBytes >= 0 && sent >= cutAfterClientBytes) {
                            cut(from, to);
                            return;
                        }
                    }
                    if (faulty && !upstream && loseRepliesAfterClientBytes >= 0 && fromClient.get() >= loseRepliesAfterClientBytes
                            && loseWhen.getAsBoolean()) {
                        cut(from, to);
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, upstream ? "proxy-up" : "proxy-down");
        t.setDaemon(true);
        t.start();
    }

    private void cut(Socket a, Socket b) {
        cuts.incrementAndGet();
        closeQuietly(a);
        closeQuietly(b);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
