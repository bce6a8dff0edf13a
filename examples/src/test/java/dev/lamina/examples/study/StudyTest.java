package dev.lamina.examples.study;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.runtime.data.Mnist;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The study end to end on a small slice of MNIST (256 training and 200 test images, one epoch, two
 * seeds, three orderings, two of them flagged by the lint): the outputs' structure and numbers, and
 * that a second run resumes from the finished cells.
 */
class StudyTest {
    private static final List<Ordering> ORDERINGS = List.of(Ordering.CONV_BN_ACT_DROP_POOL,
            Ordering.CONV_DROP_BN_ACT_POOL, Ordering.CONV_ACT_DROP_POOL_BN);
    private static final StudyConfig CONFIG = new StudyConfig(ORDERINGS, 1, 2, 1, 256, 200, 64, 1e-3);

    @TempDir
    static Path out;

    private static Mnist mnist;
    private static StudyResults results;
    private static String log;

    @BeforeAll
    static void runTheStudy() throws Exception {
        mnist = MnistSlice.load();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        results = new Study(CONFIG, out, new PrintStream(bytes, true, StandardCharsets.UTF_8), false).run(mnist);
        log = bytes.toString(StandardCharsets.UTF_8);
        StudyReport.write(results, out, "lamina " + CONFIG.commandLine() + " --out " + out);
    }

    /** Rows of a CSV file as header name to value. */
    private static List<Map<String, String>> csv(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",", -1);
            assertWithMessage("columns of %s", line).that(values).hasLength(header.length);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], values[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void trainsEveryCellWithProgress() {
        assertThat(results.cells()).hasSize(6);
        assertThat(log).contains("[>                             ] 0/6 cells  Conv-BN-Act-Drop-Pool seed 1");
        assertThat(log).contains("] 6/6 cells  done");
        assertThat(log).contains("epoch 1/1");
        for (CellResult cell : results.cells()) {
            assertThat(cell.testLoss()).isGreaterThan(0.0);
            assertThat(Double.isFinite(cell.testLoss())).isTrue();
            assertThat(cell.testAccuracy()).isIn(com.google.common.collect.Range.closed(0.0, 1.0));
            assertThat(cell.shifts().stream().map(CellResult.Shift::layer).toList())
                    .containsExactly("bn1", "bn2").inOrder();
            for (CellResult.Shift s : cell.shifts()) {
                assertThat(s.ratios()).hasLength(s.layer().equals("bn1") ? 32 : 64);
                assertThat(Arrays.stream(s.ratios()).allMatch(r -> r > 0 && Double.isFinite(r))).isTrue();
            }
        }
    }

    @Test
    void summaryCsvHasOneRowPerOrderingWithTheLintsFlags() throws Exception {
        List<Map<String, String>> rows = csv(out.resolve(StudyReport.SUMMARY_CSV));
        assertThat(Files.readString(out.resolve(StudyReport.SUMMARY_CSV))).doesNotContain("NaN");
        assertThat(rows.stream().map(r -> r.get("ordering")).toList())
                .containsExactly("Conv-BN-Act-Drop-Pool", "Conv-Drop-BN-Act-Pool", "Conv-Act-Drop-Pool-BN").inOrder();
        List<Map<String, String>> cells = csv(out.resolve(StudyReport.CELLS_CSV));
        for (Map<String, String> row : rows) {
            Ordering o = Ordering.parse(row.get("ordering"));
            boolean flagged = o.create(0).lintFindings().stream()
                    .anyMatch(f -> f.ruleId().equals(StudyResults.DROPOUT_BEFORE_BN));
            assertThat(row.get("dropout_before_batchnorm")).isEqualTo(String.valueOf(flagged));
            assertThat(Arrays.asList(row.get("lint_rules").split(";")).contains(StudyResults.DROPOUT_BEFORE_BN))
                    .isEqualTo(flagged);
            assertThat(Double.parseDouble(row.get("seed_thread_test_loss"))).isEqualTo(o.seedTestLoss());
            assertThat(row.get("seeds")).isEqualTo("2");
            // Mean and sample sd of the two cells' losses, recomputed from cells.csv.
            double[] losses = cells.stream().filter(c -> c.get("ordering").equals(o.label()))
                    .mapToDouble(c -> Double.parseDouble(c.get("test_loss"))).toArray();
            assertThat(losses).hasLength(2);
            double mean = (losses[0] + losses[1]) / 2;
            assertThat(Double.parseDouble(row.get("test_loss_mean"))).isWithin(2e-6).of(mean);
            assertThat(Double.parseDouble(row.get("test_loss_sd")))
                    .isWithin(2e-6).of(Math.abs(losses[0] - losses[1]) / Math.sqrt(2));
            for (String column : List.of("test_accuracy_mean", "bn1_ratio_mean", "bn1_ratio_max", "bn2_ratio_mean",
                    "bn2_ratio_min")) {
                double v = Double.parseDouble(row.get(column));
                assertWithMessage(column).that(v).isGreaterThan(0.0);
                assertWithMessage(column).that(Double.isFinite(v)).isTrue();
            }
        }
        assertThat(cells).hasSize(6);
        assertThat(Files.readString(out.resolve(StudyReport.CELLS_CSV))).doesNotContain("NaN");
    }

    @Test
    void markdownHasTheTableTheCorrelationAndTheFindings() throws Exception {
        String md = Files.readString(out.resolve(StudyReport.MARKDOWN));
        assertThat(md).contains("Command: `lamina study --epochs 1 --seeds 2");
        assertThat(md).doesNotContain("NaN");
        for (StudyResults.OrderingSummary s : results.summaries()) {
            String row = md.lines().filter(l -> l.startsWith("| " + s.ordering().label() + " |")).findFirst()
                    .orElseThrow(() -> new AssertionError("no table row for " + s.ordering().label()));
            assertThat(row).contains(String.format(java.util.Locale.ROOT, "%.4f", s.ordering().seedTestLoss()));
            assertThat(row).contains(String.format(java.util.Locale.ROOT, "%.4f ± %.4f", s.testLoss().mean(),
                    s.testLoss().sd()));
            assertThat(row.contains("**" + StudyResults.DROPOUT_BEFORE_BN + "**")).isEqualTo(s.dropoutBeforeBatchNorm());
        }
        Stats.Correlation rho = results.rankCorrelationWithSeed().orElseThrow();
        assertThat(md).contains(String.format(java.util.Locale.ROOT, "rho = %.2f over 3 orderings", rho.rho()));
        assertThat(md).contains("The lint flags DropoutBeforeBatchNorm on Conv-Drop-BN-Act-Pool, Conv-Act-Drop-Pool-BN.");
        // 4 steps cannot settle the running statistics: the report says so.
        assertThat(md).contains("Caution: 4 training steps");
    }

    @Test
    void chartsArePngs() throws Exception {
        for (String name : List.of(StudyCharts.TEST_LOSS, StudyCharts.VARIANCE_SHIFT)) {
            BufferedImage image = ImageIO.read(out.resolve(name).toFile());
            assertWithMessage(name).that(image).isNotNull();
            assertThat(image.getWidth()).isEqualTo(1100);
            assertThat(image.getHeight()).isEqualTo(700);
        }
    }

    @Test
    void aSecondRunResumesFromTheFinishedCells() throws Exception {
        // Remove one finished cell, as if the first run had been stopped while training it.
        Path lost = new CellStore(out, CONFIG).file(Ordering.CONV_DROP_BN_ACT_POOL, 2);
        Files.delete(lost);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        StudyResults again = new Study(CONFIG, out, new PrintStream(bytes, true, StandardCharsets.UTF_8), false)
                .run(mnist);

        String second = bytes.toString(StandardCharsets.UTF_8);
        assertThat(second).contains("5 of 6 cells already finished");
        assertThat(second).contains("5/6 cells  Conv-Drop-BN-Act-Pool seed 2");
        assertThat(second.split("epoch 1/1  train loss", -1)).hasLength(2);
        assertThat(Files.exists(lost)).isTrue();
        // Same seed, same data: the retrained cell reproduces the lost one.
        for (int i = 0; i < 6; i++) {
            CellResult before = results.cells().get(i);
            CellResult after = again.cells().get(i);
            assertThat(after.ordering()).isEqualTo(before.ordering());
            assertThat(after.seed()).isEqualTo(before.seed());
            assertThat(after.testLoss()).isWithin(1e-6).of(before.testLoss());
            assertThat(after.testAccuracy()).isEqualTo(before.testAccuracy());
        }

        StudyConfig otherEpochs = new StudyConfig(ORDERINGS, 2, 2, 1, 256, 200, 64, 1e-3);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Study(otherEpochs, out, new PrintStream(new ByteArrayOutputStream()), false).run(mnist));
        assertThat(e).hasMessageThat().contains("other settings");
    }
}
