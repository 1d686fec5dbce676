/*
 * report_svg.c — inline SVG charts for the class report (see report_svg.h). Every
 * piece of text goes through textsafe_xml(); numbers are printed with a fixed number
 * of decimals so that the page is byte-for-byte the same for the same results.
 */
#include "report_svg.h"

#include <math.h>
#include <string.h>

#include "textsafe.h"

/* A "nice" axis top: the smallest of 1, 2, 5 x 10^k at or above v (at least 1). */
static double nice_top(double v)
{
    if (v <= 1) return 1;
    double p = pow(10, floor(log10(v)));
    for (int i = 0; i < 3; i++) {
        double m = (double[]){1, 2, 5}[i] * p;
        if (m >= v) return m;
    }
    return 10 * p;
}

void svg_histogram(FILE *out, const size_t *counts, size_t nbins, const char *const *labels,
                   const char *axis_label, const char *title)
{
    const double W = 560, H = 250, left = 40, right = 10, top = 18, bottom = 46;
    const double pw = W - left - right, ph = H - top - bottom;
    size_t most = 0;
    for (size_t i = 0; i < nbins; i++) if (counts[i] > most) most = counts[i];
    double ymax = nice_top((double)most);
    /* Whole-number ticks: up to 5, one per student; above, 10 and 50 x 10^k split into
     * 5 whole steps, 20 x 10^k into 4. */
    int ticks = (int)ymax;
    if (ymax > 5) {
        double lead = ymax / pow(10, floor(log10(ymax)));
        ticks = lead > 1.5 && lead < 4 ? 4 : 5;
    }

    fprintf(out, "<svg class=\"chart\" style=\"max-width:%.0fpx\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                 "aria-label=\"", W + 80, W, H);
    textsafe_xml(out, title, 0);
    fputs("\">\n<title>", out);
    textsafe_xml(out, title, 0);
    fputs("</title>\n", out);
    for (int t = 0; t <= ticks; t++) {
        double v = ymax * t / ticks, y = top + ph - ph * v / ymax;
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                     "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                left, y, W - right, y, left - 6, y + 4, v);
    }
    double slot = pw / (double)nbins, bw = slot * 0.78;
    for (size_t i = 0; i < nbins; i++) {
        double h = ph * (double)counts[i] / ymax, x = left + slot * (double)i + (slot - bw) / 2;
        double hue = nbins > 1 ? 4 + 128.0 * (double)i / (double)(nbins - 1) : 128;
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"3\" "
                     "fill=\"hsl(%.0f, 62%%, 48%%)\"><title>",
                x, top + ph - h, bw, h > 0 ? h : 0, hue);
        textsafe_xml(out, labels[i], 0);
        fprintf(out, ": %zu student%s</title></rect>\n", counts[i], counts[i] == 1 ? "" : "s");
        if (counts[i])
            fprintf(out, "<text class=\"count\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%zu</text>\n",
                    x + bw / 2, top + ph - h - 5, counts[i]);
        fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x + bw / 2, top + ph + 16);
        textsafe_xml(out, labels[i], 0);
        fputs("</text>\n", out);
    }
    fprintf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", left, top + ph,
            W - right, top + ph);
    fprintf(out, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", left + pw / 2, H - 6);
    textsafe_xml(out, axis_label, 0);
    fputs("</text>\n</svg>\n", out);
}

double svg_label_width(const char *const *labels, size_t n, double min, double max)
{
    size_t longest = 0;
    for (size_t i = 0; i < n; i++) {
        size_t chars = 0;
        for (const char *p = labels[i] ? labels[i] : ""; *p; p++) chars += ((unsigned char)*p & 0xC0) != 0x80;
        if (chars > longest) longest = chars;
    }
    double w = 6.6 * (double)longest + 18;
    return w < min ? min : w > max ? max : w;
}

void svg_hbars(FILE *out, const svg_bar *bars, size_t n, double max, double width, double label_width,
               const char *title)
{
    const double W = width, row = 26, top = 6, text_w = 118;
    const double track = W - label_width - text_w - 12;
    const double H = top * 2 + row * (double)(n ? n : 1);
    if (max <= 0) max = 1;
    /* Labels are cut by characters, about 6.4 units each at the chart's font size. */
    size_t fit = (size_t)((label_width - 10) / 6.4);

    fprintf(out, "<svg class=\"chart\" style=\"max-width:%.0fpx\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                 "aria-label=\"", W, W, H);
    textsafe_xml(out, title, 0);
    fputs("\">\n<title>", out);
    textsafe_xml(out, title, 0);
    fputs("</title>\n", out);
    if (n == 0)
        fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">nothing to show</text>\n", label_width, top + 17);
    for (size_t i = 0; i < n; i++) {
        const svg_bar *b = &bars[i];
        double y = top + row * (double)i, w = track * (b->value > max ? 1 : b->value / max);
        fputs("<g>", out);
        if (b->tooltip) {
            fputs("<title>", out);
            textsafe_xml(out, b->tooltip, 0);
            fputs("</title>", out);
        }
        fprintf(out, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_width - 8, y + 17);
        textsafe_xml(out, b->label, fit);
        fprintf(out, "</text><rect class=\"track\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" rx=\"4\"/>",
                label_width, y + 5, track);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" rx=\"4\" fill=\"", label_width, y + 5,
                w > 0 ? w : 0);
        textsafe_xml(out, b->color ? b->color : "#0969da", 0);
        fprintf(out, "\"/><text class=\"value\" x=\"%.1f\" y=\"%.1f\">", label_width + track + 8, y + 17);
        textsafe_xml(out, b->text, 0);
        fputs("</text></g>\n", out);
    }
    fputs("</svg>\n", out);
}
