package com.example;

import dev.lamina.runtime.data.CsvDataset;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.data.Normalization;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.train.Evaluation;
import dev.lamina.runtime.train.Evaluator;
import dev.lamina.runtime.train.Trainer;
import java.nio.file.Path;

public final class TrainHousePrices {
    public static void main(String[] args) throws Exception {
        // Features: every column but "price"; the header row names the columns.
        Dataset houses = CsvDataset.from(Path.of("houses.csv")).targets("price").regression();
        Dataset.Split split = houses.split(0.2, 42);            // shuffled: 80% train, 20% validation
        Normalization norm = Normalization.fit(split.train());  // mean and std of the training part only
        Dataset train = norm.apply(split.train());
        Dataset validation = norm.apply(split.validation());

        LaminaHousePrices model = LaminaHousePrices.create(42); // generated from HousePrices
        Trainer.builder(model, new Adam(0.01)).epochs(100).batchSize(16).build().fit(train, validation);

        Evaluation result = Evaluator.evaluate(model, validation, 64);
        System.out.println("validation: " + result); // loss, MSE and MAE for regression
    }
}
