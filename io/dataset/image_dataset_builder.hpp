// Builds an image_dataset population (neurons/image_dataset.hpp) from its
// description: reads the IDX files (io/dataset/idx_file.hpp; default Fashion-MNIST
// from its Debian package), draws the task split and the sample order, and turns
// the presentation schedule into the run's trial protocol (core/trial_protocol.hpp):
// one trial per sample, its label as the outcome, one-hot teacher signals for the
// readout, and the first trial of every task. Bad input throws input_error naming
// the field that led to the file or value.
#pragma once

#include <memory>

#include "core/network.hpp"
#include "io/network_file.hpp"
#include "neurons/image_dataset.hpp"

namespace spikeq::io {

// The presentation schedule of population `population` (which has an image_dataset).
std::shared_ptr<const image_presentation> load_image_dataset(const network_file& file, int population,
                                                             std::uint64_t seed);

// The population, split into `shards` slices that share the schedule.
std::unique_ptr<population> make_image_dataset(const network_file& file, int population,
                                               std::shared_ptr<const image_presentation> schedule,
                                               time_grid grid, std::uint64_t seed, std::size_t shards);

// Fills net.protocol from the schedule and links the readout's teacher signals.
// REQUIRES: the network has no other trial protocol or teacher series.
void build_dataset_protocol(const network_file& file, int population, const image_presentation& schedule,
                            network& net);

}  // namespace spikeq::io
