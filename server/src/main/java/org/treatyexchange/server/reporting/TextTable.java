package org.treatyexchange.server.reporting;

import java.util.List;

/** Left-aligned monospace columns, two spaces apart, no trailing blanks; every cell kept to one line. */
public final class TextTable {

    private TextTable() {
    }

    /** The rows (the first is usually the header), each of the same number of cells, one line each. */
    public static String render(List<String[]> rows) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        String[][] cells = new String[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            cells[r] = new String[rows.get(r).length];
            for (int i = 0; i < rows.get(r).length; i++) {
                cells[r][i] = Text.oneLine(rows.get(r)[i]);
                widths[i] = Math.max(widths[i], Text.width(cells[r][i]));
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? "" : "  ").append(Text.pad(row[i], widths[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
