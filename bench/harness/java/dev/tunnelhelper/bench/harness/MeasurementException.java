package dev.tunnelhelper.bench.harness;

/** A measurement could not be taken (a program failed, a self-check did not hold); names why. */
final class MeasurementException extends RuntimeException {
    MeasurementException(String message) {
        super(message);
    }
}
