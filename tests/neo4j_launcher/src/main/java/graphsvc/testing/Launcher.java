package graphsvc.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Neo4j Community for the tests: {@code Launcher HOME PORT USER [setting=value ...]}, with the
 * password in the environment variable GRAPHSVC_TEST_NEO4J_PASSWORD (not in the process list).
 *
 * <p>Starts the databases in HOME (on disk: what a kill -9 leaves is what a restart finds), with
 * Bolt on 127.0.0.1:PORT (0: any free port) and authentication on, makes USER with PASSWORD (an
 * administrator in Community), prints one line {@code READY bolt://127.0.0.1:<port> <version>}
 * and runs until its standard input closes or it gets SIGTERM; then it shuts down cleanly.
 * Each further argument is a raw Neo4j setting.
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        String password = System.getenv("GRAPHSVC_TEST_NEO4J_PASSWORD");
        if (args.length < 3 || password == null || password.isEmpty()) {
            System.err.println("usage: GRAPHSVC_TEST_NEO4J_PASSWORD=... Launcher HOME PORT USER [setting=value ...]");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        String user = args[2];
        Map<String, String> settings = new HashMap<>();
        settings.put("server.bolt.enabled", "true");
        settings.put("server.bolt.listen_address", "127.0.0.1:" + args[1]);
        settings.put("server.bolt.advertised_address", "127.0.0.1:" + args[1]);
        settings.put("server.bolt.tls_level", "DISABLED");
        settings.put("server.http.enabled", "false");
        settings.put("server.https.enabled", "false");
        settings.put("dbms.security.auth_enabled", "true");
        settings.put("server.memory.pagecache.size", "128m");
        settings.put("dbms.usage_report.enabled", "false");
        for (int i = 3; i < args.length; i++) {
            int at = args[i].indexOf('=');
            settings.put(args[i].substring(0, at), args[i].substring(at + 1));
        }
        Path conf = home.resolve("launcher.conf"); // settings as text: the same for every Neo4j version
        Files.createDirectories(home);
        StringBuilder text = new StringBuilder();
        settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(conf, text.toString());
        DatabaseManagementService service =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown));
        // The user, made once per folder and password (a restart finds it in the system database).
        Path made = home.resolve("launcher.user");
        String login = user + " " + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
        if (!Files.exists(made) || !Files.readString(made).equals(login)) {
            service.database("system").executeTransactionally(
                    "CREATE OR REPLACE USER " + user + " SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
            Files.writeString(made, login);
        }
        GraphDatabaseAPI db = (GraphDatabaseAPI) service.database("neo4j");
        var bolt = db.getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        String version = db.executeTransactionally(
                "CALL dbms.components() YIELD versions RETURN versions[0] AS v", Map.of(),
                result -> (String) result.next().get("v"));
        System.out.println("READY bolt://127.0.0.1:" + bolt.getPort() + " " + version);
        System.out.flush();
        waitForEndOfInput(System.in);
        System.exit(0); // runs the shutdown hook
    }

    private static void waitForEndOfInput(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the test process holds the other end; it closes when that process ends, however
            }
        } catch (IOException ended) {
            // same as the end of input
        }
    }
}
