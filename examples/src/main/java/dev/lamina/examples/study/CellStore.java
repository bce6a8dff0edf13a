package dev.lamina.examples.study;

import dev.lamina.runtime.io.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Finished cells of a study on disk, one small properties file per (ordering, seed) in
 * {@code <out>/cells/}, written atomically (a temporary file moved into place), so that an interrupted
 * study leaves only whole cells behind and a rerun skips them. Each file records the
 * {@link StudyConfig#cellFingerprint() settings} it was trained with; a cell trained with other settings
 * is an error, not silently mixed in. The same directory holds the training checkpoint of the cell in
 * progress ({@link #checkpoint}), so a long cell resumes mid-way too.
 */
public final class CellStore {
    private static final String FORMAT = "lamina-study-cell 1";

    private final Path dir;
    private final String fingerprint;

    /** The store in {@code <outDir>/cells} for cells trained with {@code config}'s settings. */
    public CellStore(Path outDir, StudyConfig config) {
        this.dir = outDir.resolve("cells");
        this.fingerprint = config.cellFingerprint();
    }

    /** {@code <out>/cells}. */
    public Path dir() {
        return dir;
    }

    /** The file of a finished cell. */
    public Path file(Ordering ordering, long seed) {
        return dir.resolve(ordering.label() + "_seed" + seed + ".properties");
    }

    /** Where the Trainer checkpoints the cell while it trains. */
    public Path checkpoint(Ordering ordering, long seed) {
        return dir.resolve(ordering.label() + "_seed" + seed + ".ckpt");
    }

    /**
     * The finished cell, if its file exists.
     *
     * @throws IllegalStateException if the file was written with other settings, or cannot be parsed
     */
    public Optional<CellResult> read(Ordering ordering, long seed) {
        Path file = file(ordering, seed);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read finished cell " + file, e);
        }
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IllegalStateException(file + " is not a study cell (no '" + FORMAT + "' line); remove it");
        }
        String found = p.getProperty("settings");
        if (!fingerprint.equals(found)) {
            throw new IllegalStateException(file + " was trained with other settings (" + found + ") than this run ("
                    + fingerprint + "); use another --out directory or delete " + dir);
        }
        try {
            List<CellResult.Shift> shifts = new ArrayList<>();
            String layers = p.getProperty("bn.layers", "");
            for (String layer : layers.isEmpty() ? new String[0] : layers.split(",")) {
                double[] ratios = Arrays.stream(required(p, "bn." + layer + ".ratios").split(","))
                        .mapToDouble(Double::parseDouble)
                        .toArray();
                shifts.add(new CellResult.Shift(layer, ratios));
            }
            Ordering stored = Ordering.parse(required(p, "ordering"));
            long storedSeed = Long.parseLong(required(p, "seed"));
            if (stored != ordering || storedSeed != seed) {
                throw new IllegalStateException(file + " holds " + stored.label() + " seed " + storedSeed);
            }
            return Optional.of(new CellResult(ordering, seed, Double.parseDouble(required(p, "testLoss")),
                    Double.parseDouble(required(p, "testAccuracy")), Double.parseDouble(required(p, "trainLoss")),
                    Double.parseDouble(required(p, "seconds")), shifts));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("finished cell " + file + " cannot be parsed (" + e.getMessage()
                    + "); remove it to train the cell again", e);
        }
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return value;
    }

    /** Writes a finished cell atomically ({@link AtomicFiles}), creating {@code <out>/cells} if needed. */
    public void write(CellResult cell) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("format=").append(FORMAT).append('\n');
        text.append("settings=").append(fingerprint).append('\n');
        text.append("ordering=").append(cell.ordering().label()).append('\n');
        text.append("seed=").append(cell.seed()).append('\n');
        text.append("testLoss=").append(cell.testLoss()).append('\n');
        text.append("testAccuracy=").append(cell.testAccuracy()).append('\n');
        text.append("trainLoss=").append(cell.trainLoss()).append('\n');
        text.append("seconds=").append(cell.seconds()).append('\n');
        text.append("bn.layers=").append(String.join(",", cell.shifts().stream().map(CellResult.Shift::layer).toList()))
                .append('\n');
        for (CellResult.Shift shift : cell.shifts()) {
            text.append("bn.").append(shift.layer()).append(".ratios=");
            double[] ratios = shift.ratios();
            for (int c = 0; c < ratios.length; c++) {
                text.append(c == 0 ? "" : ",").append(ratios[c]);
            }
            text.append('\n');
        }
        AtomicFiles.writeString(file(cell.ordering(), cell.seed()), text);
    }
}
