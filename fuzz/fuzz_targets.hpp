#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kolosal::fuzz {

/// Loads `payload` as a model file's msgpack payload (framed with a valid header and checksum, so
/// that mutations reach the decoder) and, when it loads, predicts, explains, saves and reloads
/// it, and runs its trees through the batch, row and compiled paths. Returns normally for
/// anything a user may hand the library, and aborts on a broken promise: an exception other
/// than kolosal::Error, paths that disagree, or a save that does not round-trip.
void FuzzModelPayload(std::span<const uint8_t> payload);

/// Parses `bytes` as CSV text. Data ending in a NUL-separated JSON object uses that object as
/// the CSV options. Aborts on an exception other than kolosal::Error, on a dataset whose
/// columns and labels disagree in size, or on a name, category or class that is not UTF-8.
void FuzzCsv(std::span<const uint8_t> bytes);

/// Writes the CSV text of `bytes` (options as for FuzzCsv) to a file and reads it back with the
/// reader's reads, parts and blocks shrunk to a few bytes, serially and through the parallel
/// path. Aborts when that reads otherwise than ParseCsv reads the text in one piece: another
/// value, code, category or label, or another error code or message.
void FuzzCsvParts(std::span<const uint8_t> bytes);

/// Creates an in-memory study from `bytes`: the search space's JSON, then after a NUL byte the
/// study config's JSON. When both are accepted, runs a dozen trials through ask, report, prune,
/// tell (some failed, some pruned) and the history. Aborts on an exception other than
/// kolosal::Error, or a sampled value that is outside its parameter's range, off its grid, or
/// set while its conditions say the parameter is inactive.
void FuzzStudy(std::span<const uint8_t> bytes);

/// Trains on a small synthetic dataset from `bytes`: a training config's JSON ({"model",
/// "params", "preprocessing", "random_state", "cv_folds", "weights"}), then after a NUL byte a
/// letter for the data (b: binary, m: three classes, r: regression, p: regression with positive
/// targets; binary by default). Every fit is cancelled after a fraction of a second. A fitted
/// model is used as FuzzModelPayload uses a loaded one, and fitted again on two threads, which
/// must give the same bytes (where the process allows two); with "cv_folds" the config is
/// cross-validated too. Aborts on an exception other than kolosal::Error, a fit that goes on
/// after it was asked to stop or reports the cancellation with another code, or a second fit
/// that differs from the first. Returns whether a model was fitted.
bool FuzzTrain(std::span<const uint8_t> bytes);

/// Model payloads to start from: small models of every registered type, trained on synthetic
/// data with categorical and missing values, for classification (binary and multi-class) and
/// regression. Deterministic.
std::vector<std::vector<uint8_t>> ModelPayloadSeeds();

/// CSV texts to start from: quoting, missing values, categorical and numeric columns, options.
std::vector<std::string> CsvSeeds();

/// Training configs to start from: every registered model with small settings and with its
/// params' edges, each preprocessing choice, class weights, sample weights and cross-validation.
std::vector<std::string> TrainSeeds();

/// Study inputs to start from: every parameter kind, log and stepped ranges, conditions, each
/// sampler and pruner, enqueued and warm-start trials.
std::vector<std::string> StudySeeds();

}  // namespace kolosal::fuzz
