package dev.lamina.examples.study;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellStoreTest {
    @TempDir
    Path dir;

    private static StudyConfig config(int epochs) {
        return new StudyConfig(Ordering.all(), epochs, 2, 1, 100, 50, 32, 1e-3);
    }

    private static CellResult cell() {
        return new CellResult(Ordering.CONV_DROP_BN_ACT_POOL, 2, 0.123456789012, 0.96875, Double.NaN, 12.5,
                List.of(new CellResult.Shift("bn1", new double[] {0.8, 0.75, Math.PI}),
                        new CellResult.Shift("bn2", new double[] {0.5})));
    }

    @Test
    void roundTripsExactlyAndLeavesNoTemporaryFiles() throws Exception {
        CellStore store = new CellStore(dir, config(3));
        assertThat(store.read(Ordering.CONV_DROP_BN_ACT_POOL, 2)).isEmpty();

        store.write(cell());

        assertThat(store.read(Ordering.CONV_DROP_BN_ACT_POOL, 2)).hasValue(cell());
        assertThat(store.read(Ordering.CONV_DROP_BN_ACT_POOL, 1)).isEmpty();
        try (var files = Files.list(store.dir())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactly("Conv-Drop-BN-Act-Pool_seed2.properties");
        }
    }

    @Test
    void cellsOfOtherSettingsAreAnError() throws Exception {
        new CellStore(dir, config(3)).write(cell());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new CellStore(dir, config(4)).read(Ordering.CONV_DROP_BN_ACT_POOL, 2));
        assertThat(e).hasMessageThat().contains("epochs=3");
        assertThat(e).hasMessageThat().contains("epochs=4");
        // More seeds or other orderings keep the cells: they do not change what a cell computes.
        StudyConfig moreSeeds = new StudyConfig(List.of(Ordering.CONV_DROP_BN_ACT_POOL), 3, 5, 1, 100, 50, 32, 1e-3);
        assertThat(new CellStore(dir, moreSeeds).read(Ordering.CONV_DROP_BN_ACT_POOL, 2)).hasValue(cell());
    }

    @Test
    void aDamagedCellIsAnErrorNamingTheFile() throws Exception {
        CellStore store = new CellStore(dir, config(3));
        store.write(cell());
        Path file = store.file(Ordering.CONV_DROP_BN_ACT_POOL, 2);
        Files.writeString(file, Files.readString(file).replace("testLoss=", "testLos="));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> store.read(Ordering.CONV_DROP_BN_ACT_POOL, 2));
        assertThat(e).hasMessageThat().contains(file.toString());
        assertThat(e).hasMessageThat().contains("testLoss");
    }
}
