package dev.lamina.processor.summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processor options of the model summary NOTE:
 *
 * <ul>
 *   <li>{@code -Alamina.summary=true}: print each generated model's {@link SummaryTable} as a NOTE on
 *       its interface (default false);
 *   <li>{@code -Alamina.summary.batchSize=<n>}: the batch size of the activation memory (default 1,
 *       like {@code model.summary()}).
 * </ul>
 *
 * Malformed values are reported once as warnings and replaced by the defaults.
 *
 * @param enabled   whether to print the NOTE
 * @param batchSize examples per forward pass for the activation memory, >= 1
 * @param problems  warnings about malformed values
 */
public record SummaryOptions(boolean enabled, int batchSize, List<String> problems) {
    public static final String SUMMARY = "lamina.summary";
    public static final String BATCH_SIZE = "lamina.summary.batchSize";

    public SummaryOptions {
        problems = List.copyOf(problems);
    }

    /** The option names, for {@code Processor.getSupportedOptions}. */
    public static Set<String> supportedOptions() {
        return Set.of(SUMMARY, BATCH_SIZE);
    }

    /** Reads the options from javac's {@code -A} map. */
    public static SummaryOptions parse(Map<String, String> options) {
        List<String> problems = new ArrayList<>();
        boolean enabled = false;
        String summary = options.get(SUMMARY);
        if (summary != null) {
            // javac passes a bare -Alamina.summary as a null or empty value.
            if (summary.isEmpty() || summary.equalsIgnoreCase("true")) {
                enabled = true;
            } else if (!summary.equalsIgnoreCase("false")) {
                problems.add("[Lamina] -A" + SUMMARY + " must be true or false, found '" + summary
                        + "'; no summary is printed");
            }
        } else if (options.containsKey(SUMMARY)) {
            enabled = true;
        }
        int batchSize = 1;
        String batch = options.get(BATCH_SIZE);
        if (batch != null) {
            try {
                batchSize = Integer.parseInt(batch.trim());
            } catch (NumberFormatException e) {
                batchSize = 0;
            }
            if (batchSize < 1) {
                problems.add("[Lamina] -A" + BATCH_SIZE + " must be a whole number >= 1, found '" + batch
                        + "'; using 1");
                batchSize = 1;
            }
        }
        return new SummaryOptions(enabled, batchSize, problems);
    }

    /** The NOTE printed on a model's interface: a title line, then the table. */
    public static String note(String interfaceName, String generatedName, String table) {
        return "[Lamina] summary of " + interfaceName + " (" + generatedName + ".create(seed)):\n"
                + table.stripTrailing();
    }
}
