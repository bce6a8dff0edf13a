package dev.lamina.processor.ir;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Shapes carry their layout: in equality, in how they print, and by default from their rank. */
class ShapeTest {
    @Test
    void vectorsAndImagesPrintAsBefore() {
        assertThat(Shape.of(10).toString()).isEqualTo("[10]");
        assertThat(Shape.of(1, 28, 28).toString()).isEqualTo("[1, 28, 28]");
        assertThat(Shape.of(10).layout()).isEqualTo(Shape.Layout.VECTOR);
        assertThat(Shape.of(1, 28, 28).layout()).isEqualTo(Shape.Layout.IMAGE);
    }

    @Test
    void rankTwoAndTokenShapesNameTheirAxes() {
        assertThat(Shape.sequence(16, 64).toString()).isEqualTo("[T=16, D=64]");
        assertThat(Shape.of(2, 100).toString()).isEqualTo("[C=2, L=100]");
        assertThat(Shape.tokens(16).toString()).isEqualTo("[T=16]");
        assertThat(Shape.sequence(16, 64).describe()).isEqualTo("a token sequence [T=16, D=64]");
        assertThat(Shape.Layout.SIGNAL.describe()).isEqualTo("a signal [C, L]");
    }

    @Test
    void equalityIncludesTheLayout() {
        assertThat(Shape.sequence(4, 8)).isNotEqualTo(Shape.of(4, 8));
        assertThat(Shape.tokens(4)).isNotEqualTo(Shape.of(4));
        assertThat(Shape.sequence(4, 8)).isEqualTo(new Shape(new int[] {4, 8}, Shape.Layout.SEQUENCE));
        assertThat(Shape.sequence(4, 8).hashCode())
                .isEqualTo(new Shape(new int[] {4, 8}, Shape.Layout.SEQUENCE).hashCode());
        assertThat(Shape.of(4, 8).isSequence()).isFalse();
        assertThat(Shape.tokens(4).isVector()).isFalse();
    }

    @Test
    void aLayoutNeedsItsRank() {
        assertThrows(IllegalArgumentException.class, () -> new Shape(new int[] {4}, Shape.Layout.SEQUENCE));
        assertThrows(IllegalArgumentException.class, () -> Shape.of(1, 2, 3, 4));
    }
}
