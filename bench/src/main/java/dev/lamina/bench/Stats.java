package dev.lamina.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Min, median and max of timed windows. */
record Stats(double min, double median, double max) {
    static Stats of(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return new Stats(sorted.get(0), median(sorted), sorted.get(sorted.size() - 1));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
