// Makes the JDK's built-in HTTP server bind to the loopback interface only.
//
// StanfordCoreNLPServer has no host option: it calls HttpServer.create(new
// InetSocketAddress(port), ...), which listens on every interface. The JDK picks the HTTP
// server implementation named by the system property com.sun.net.httpserver.HttpServerProvider,
// so deploy/local/corenlp.sh starts the server with this provider, which hands every address
// to the JDK's default provider with the host replaced by 127.0.0.1. Claimline's own code
// (Apache-2.0); compiled by `corenlp.sh fetch` into the jar cache, never into the repository.
package claimline;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.spi.HttpServerProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

public final class LoopbackHttpServerProvider extends HttpServerProvider {
    private final HttpServerProvider delegate = new sun.net.httpserver.DefaultHttpServerProvider();

    private static InetSocketAddress loopback(InetSocketAddress addr) {
        if (addr == null) {
            return null;  // an unbound server: bind() goes through the same provider's server
        }
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), addr.getPort());
    }

    @Override
    public HttpServer createHttpServer(InetSocketAddress addr, int backlog) throws IOException {
        return delegate.createHttpServer(loopback(addr), backlog);
    }

    @Override
    public HttpsServer createHttpsServer(InetSocketAddress addr, int backlog) throws IOException {
        return delegate.createHttpsServer(loopback(addr), backlog);
    }
}
