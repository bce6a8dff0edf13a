package com.example;

import dev.lamina.dsl.Dense;
import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.dsl.ReLU;
import dev.lamina.dsl.Sequential;

/** Predicts a house's price from its area, rooms and age: regression, so the loss is MSE. */
@Sequential(input = {3}, loss = Loss.MSE)
public interface HousePrices {
    @Dense(16) Layer hidden();
    @ReLU Layer act();
    @Dense(1) Layer price();
}
