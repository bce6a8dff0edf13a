package dev.lamina.runtime.optim;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Schedule values at the points that define them, and Hugging Face's formula where it applies. */
class LearningRateScheduleTest {
    private static final double BASE = 1e-3;

    /**
     * {@code transformers.get_cosine_schedule_with_warmup}'s lambda (num_cycles 0.5) times the base rate,
     * as in transformers/optimization.py.
     */
    private static double huggingFace(long step, long warmup, long total) {
        if (step < warmup) {
            return BASE * (double) step / Math.max(1, warmup);
        }
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        return BASE * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
    }

    @Test
    void warmupCosineAtZeroWarmupEndMiddleAndEnd() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(100, 1100, 1e-5);
        assertThat(s.lr(0, BASE)).isEqualTo(0.0);
        assertThat(s.lr(50, BASE)).isWithin(1e-18).of(BASE / 2);
        assertThat(s.lr(99, BASE)).isWithin(1e-18).of(BASE * 0.99);
        assertThat(s.lr(100, BASE)).isEqualTo(BASE);
        // Halfway through the decay, cos(pi / 2) = 0: the mean of the peak and the minimum.
        assertThat(s.lr(600, BASE)).isWithin(1e-18).of((BASE + 1e-5) / 2);
        assertThat(s.lr(1100, BASE)).isWithin(1e-18).of(1e-5);
        assertThat(s.lr(5000, BASE)).isEqualTo(1e-5);
        for (long step = 101; step <= 1100; step++) {
            assertThat(s.lr(step, BASE)).isLessThan(s.lr(step - 1, BASE));
        }
    }

    @Test
    void withoutMinimumItIsHuggingFacesCosineScheduleWithWarmup() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(7, 40, 0);
        for (long step = 0; step <= 40; step++) {
            assertThat(s.lr(step, BASE)).isWithin(1e-18).of(huggingFace(step, 7, 40));
        }
    }

    @Test
    void noWarmupStartsAtTheFullRateAndWarmupOnlyEndsThere() {
        LearningRateSchedule cosine = LearningRateSchedule.warmupCosine(0, 10, 0);
        assertThat(cosine.lr(0, BASE)).isEqualTo(BASE);
        assertThat(cosine.lr(10, BASE)).isEqualTo(0.0);
        LearningRateSchedule allWarmup = LearningRateSchedule.warmupCosine(10, 10, 0);
        assertThat(allWarmup.lr(5, BASE)).isWithin(1e-18).of(BASE / 2);
        assertThat(allWarmup.lr(10, BASE)).isEqualTo(BASE);
        assertThat(allWarmup.lr(11, BASE)).isEqualTo(0.0);
    }

    @Test
    void warmupConstantAndConstant() {
        LearningRateSchedule s = LearningRateSchedule.warmupConstant(4);
        assertThat(s.lr(0, BASE)).isEqualTo(0.0);
        assertThat(s.lr(1, BASE)).isEqualTo(BASE / 4);
        assertThat(s.lr(4, BASE)).isEqualTo(BASE);
        assertThat(s.lr(1_000_000, BASE)).isEqualTo(BASE);
        assertThat(LearningRateSchedule.constant().lr(123, BASE)).isEqualTo(BASE);
        assertThat(LearningRateSchedule.constant()).isSameInstanceAs(LearningRateSchedule.constant());
    }

    @Test
    void invalidArgumentsNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.warmupCosine(-1, 10, 0));
        assertThat(e).hasMessageThat().contains("warmupSteps must be >= 0, found -1");
        e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(20, 10, 0));
        assertThat(e).hasMessageThat().contains("totalSteps must be >= 1 and >= warmupSteps (20), found 10");
        e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(0, 0, 0));
        assertThat(e).hasMessageThat().contains("found 0");
        e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(1, 10, -1e-5));
        assertThat(e).hasMessageThat().contains("minLr must be finite and >= 0, found -1.0E-5");
        e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupConstant(0));
        assertThat(e).hasMessageThat().contains("warmupSteps must be >= 1, found 0");
        e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.warmupCosine(1, 10, 0).lr(-1, BASE));
        assertThat(e).hasMessageThat().contains("step must be >= 0, found -1");
    }
}
