package org.treatyexchange.server.portal;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/** The templates compiled at build time (src/main/jte, HTML content type: every value escaped where it is printed). */
final class Templates {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(null, ContentType.Html, Templates.class.getClassLoader(),
            "org.treatyexchange.server.portal.jte");

    String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        engine.render(template, params, out);
        return out.toString();
    }
}
