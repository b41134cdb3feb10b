package org.treatyexchange.server.portal;

/**
 * One bar of the dashboard's server-drawn SVG chart.
 *
 * @param outcome the outcome's wire name (also the bar's CSS class suffix)
 * @param label   the outcome in the page's language
 * @param count   how many States Parties have it
 * @param width   the bar's length in SVG units
 * @param y       the bar's top in SVG units
 */
public record ChartBar(String outcome, String label, int count, int width, int y) {
}
