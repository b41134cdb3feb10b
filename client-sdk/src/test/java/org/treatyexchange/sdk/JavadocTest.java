package org.treatyexchange.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every public type and member of the SDK has a javadoc comment (the JDK's own doclint decides). */
class JavadocTest {

    @TempDir
    Path out;

    @Test
    void everyPublicTypeAndMemberIsDocumented() {
        ToolProvider javadoc = ToolProvider.findFirst("javadoc").orElseThrow();
        StringWriter log = new StringWriter();
        PrintWriter w = new PrintWriter(log, true);
        int code = javadoc.run(w, w, "-quiet", "-Xmaxwarns", "10000", "-Xdoclint:all", "-d", out.toString(),
                "-cp", System.getProperty("java.class.path"), "-sourcepath", "src/main/java", "-subpackages", "org.treatyexchange.sdk");
        List<String> undocumented = log.toString().lines().filter(l -> l.contains("no comment") || l.contains("error:")).toList();
        assertThat(undocumented).isEmpty();
        assertThat(code).as(log.toString()).isZero();
    }
}
