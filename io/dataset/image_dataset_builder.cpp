#include "io/dataset/image_dataset_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>

#include "core/random_stream.hpp"
#include "core/sharded_population.hpp"
#include "io/dataset/fashion_mnist_files.hpp"
#include "io/dataset/idx_file.hpp"
#include "neurons/linear_readout.hpp"

namespace spikeq::io {

namespace {

using config::ImageDataset;

field_path here(int population, std::initializer_list<field_step> more = {}) {
  field_path p{{"population", population}, {"image_dataset"}};
  p.insert(p.end(), more.begin(), more.end());
  return p;
}

// Fisher-Yates shuffle from one counter-based stream.
void shuffle(std::vector<std::uint32_t>& v, random_stream rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// Streams of the schedule: object 2 p (+1 for pixel permutations) of population p,
// entity = task.
random_stream order_stream(std::uint64_t seed, int population, bool permutation, std::uint32_t task) {
  return random_stream(seed, stream_kind::dataset_order,
                       static_cast<std::uint32_t>(2 * population + (permutation ? 1 : 0)), task);
}

}  // namespace

namespace {

// One image set (images and labels), checked against each other.
struct image_set {
  idx_array images, labels;
  dataset_files files;
  field_path images_at, labels_at;
  std::uint32_t classes = 0;  // max label + 1
};

// Reads the set named by fields `images`/`labels` of the population's image_dataset,
// or the package's training (train = true) or test set when both are unset.
image_set load_set(const network_file& file, int population, const std::string& images_field,
                   const std::string& labels_field, const std::string& images, const std::string& labels,
                   bool train) {
  if (images.empty() != labels.empty())
    throw input_error({file.error_at(here(population, {{images.empty() ? images_field : labels_field}}),
                                     fmt::format("image_dataset needs both {} and {}, or neither "
                                                 "(Fashion-MNIST)",
                                                 images_field, labels_field))});
  image_set set;
  set.images_at = here(population, {{images_field}});
  set.labels_at = here(population, {{labels_field}});
  if (images.empty()) {
    set.images_at = set.labels_at = here(population);
    try {
      set.files = fashion_mnist_files(train);
    } catch (const dataset_package_error& e) {
      throw input_error({file.error_at(set.images_at, e.what())});
    }
  } else {
    // Relative paths are relative to the network file, as everywhere else a file is named.
    const auto& base = file.directory;
    set.files.images = base / images;
    set.files.labels = base / labels;
  }
  try {
    set.images = read_idx(set.files.images, 3);
  } catch (const idx_error& e) {
    throw input_error(
        {file.error_at(set.images_at, fmt::format("{} (expected images: N x rows x columns)", e.what()))});
  }
  try {
    set.labels = read_idx(set.files.labels, 1);
  } catch (const idx_error& e) {
    throw input_error({file.error_at(set.labels_at, e.what())});
  }
  if (set.labels.count() != set.images.count())
    throw input_error({file.error_at(
        set.labels_at, fmt::format("'{}' holds {} labels but '{}' holds {} images", set.files.labels.string(),
                                   set.labels.count(), set.files.images.string(), set.images.count()))});
  for (const std::uint8_t l : set.labels.data) set.classes = std::max<std::uint32_t>(set.classes, l + 1u);
  return set;
}

// The samples of `set` that task t may show, in presentation order.
std::vector<std::uint32_t> eligible_samples(const ImageDataset& d, const image_set& set, std::uint32_t t,
                                            random_stream order) {
  std::vector<std::uint32_t> eligible;
  const std::uint32_t k = d.classes_per_task();
  for (std::uint32_t i = 0; i < set.labels.data.size(); ++i) {
    const std::uint32_t l = set.labels.data[i];
    if (d.split() != ImageDataset::CLASS_SPLIT || (l >= t * k && l < (t + 1) * k)) eligible.push_back(i);
  }
  if (!d.ordered()) shuffle(eligible, order);
  return eligible;
}

}  // namespace

std::shared_ptr<const image_presentation> load_image_dataset(const network_file& file, int population,
                                                             std::uint64_t seed) {
  const config::Population& pop = file.network.population(population);
  const ImageDataset& d = pop.image_dataset();
  const image_set train = load_set(file, population, "images", "labels", d.images(), d.labels(),
                                   d.images().empty() ? d.set() != ImageDataset::TEST : true);
  const std::uint32_t pixels = train.images.dims[1] * train.images.dims[2];
  if (pop.size() != pixels)
    throw input_error({file.error_at({{"population", population}, {"size"}},
                                     fmt::format("an image_dataset has one neuron per pixel: size must be {} "
                                                 "({} x {} images in '{}'), not {}",
                                                 pixels, train.images.dims[1], train.images.dims[2],
                                                 train.files.images.string(), pop.size()))});
  const bool evaluate = d.test_samples_per_task() > 0;
  image_set test;
  if (evaluate) {
    if (d.test_images().empty() && !d.images().empty())
      throw input_error({file.error_at(here(population, {{"test_samples_per_task"}}),
                                       "evaluation samples need test_images and test_labels when images are "
                                       "given")});
    test = load_set(file, population, "test_images", "test_labels", d.test_images(), d.test_labels(), false);
    if (test.images.dims[1] != train.images.dims[1] || test.images.dims[2] != train.images.dims[2])
      throw input_error({file.error_at(
          test.images_at, fmt::format("test images are {} x {}, training images {} x {}", test.images.dims[1],
                                      test.images.dims[2], train.images.dims[1], train.images.dims[2]))});
  }

  auto s = std::make_shared<image_presentation>();
  s->pixels = train.images.data;
  if (evaluate) s->test_pixels = test.images.data;
  // The mappings stay alive with the schedule; labels are copied per trial below.
  s->storage =
      std::make_shared<std::vector<std::shared_ptr<const void>>>(std::vector<std::shared_ptr<const void>>{
          train.images.storage, train.labels.storage, test.images.storage, test.labels.storage});
  s->pixels_per_image = pixels;
  s->max_rate_Hz = d.max_rate();
  s->first_ms = d.start();
  s->presentation_ms = d.presentation();
  s->period_ms = d.presentation() + d.blank();

  const bool class_split = d.split() == ImageDataset::CLASS_SPLIT;
  const std::uint32_t tasks = d.tasks();
  const std::uint64_t classes_needed = std::uint64_t{tasks} * d.classes_per_task();
  for (const image_set* set : std::initializer_list<const image_set*>{&train, &test})
    if (class_split && set->labels.storage && classes_needed > set->classes)
      throw input_error({file.error_at(
          here(population, {{"classes_per_task"}}),
          fmt::format(
              "a class split of {} tasks x {} classes needs {} classes, but the labels in '{}' hold {}",
              tasks, d.classes_per_task(), classes_needed, set->files.labels.string(), set->classes))});
  const auto take = [&](const image_set& set, std::uint32_t t, std::uint32_t n, bool evaluation,
                        const char* field) {
    const auto eligible =
        eligible_samples(d, set, t, order_stream(seed, population, false, evaluation ? tasks + t : t));
    const std::size_t count = n == 0 ? eligible.size() : n;
    if (count > eligible.size())
      throw input_error({file.error_at(here(population, {{field}}),
                                       fmt::format("task {} has only {} samples in '{}', {} asked for", t,
                                                   eligible.size(), set.files.labels.string(), count))});
    for (std::size_t k = 0; k < count; ++k) {
      s->image.push_back(eligible[k]);
      s->label.push_back(set.labels.data[eligible[k]]);
      s->task.push_back(t);
      s->evaluation.push_back(evaluation ? 1 : 0);
    }
  };
  for (std::uint32_t t = 0; t < tasks; ++t) {
    // Task 0 sees the original images, as in the permuted-MNIST benchmark.
    std::vector<std::uint32_t> perm;
    if (!class_split && t > 0) {
      perm.resize(pixels);
      std::iota(perm.begin(), perm.end(), 0u);
      shuffle(perm, order_stream(seed, population, true, t));
    }
    s->permutation.push_back(std::move(perm));
    take(train, t, d.samples_per_task(), false, "samples_per_task");
    // The same evaluation samples of task j after every training task.
    if (evaluate && !d.joint())
      for (std::uint32_t j = 0; j <= t; ++j)
        take(test, j, d.test_samples_per_task(), true, "test_samples_per_task");
  }
  if (d.joint()) {
    // Multitask: every task's training samples in one seeded order (stream entity
    // 2 tasks: not a task's), then one evaluation of every task.
    std::vector<std::uint32_t> order(s->image.size());
    std::iota(order.begin(), order.end(), 0u);
    if (!d.ordered()) shuffle(order, order_stream(seed, population, false, 2 * tasks));
    const auto reorder = [&order](auto& v) {
      auto copy = v;
      for (std::size_t k = 0; k < order.size(); ++k) v[k] = copy[order[k]];
    };
    reorder(s->image);
    reorder(s->label);
    reorder(s->task);
    if (evaluate)
      for (std::uint32_t j = 0; j < tasks; ++j)
        take(test, j, d.test_samples_per_task(), true, "test_samples_per_task");
  }
  if (static_cast<double>(s->image.size()) * pixels >=
      static_cast<double>(std::numeric_limits<std::uint32_t>::max()))
    throw input_error(
        {file.error_at(here(population, {{"samples_per_task"}}),
                       fmt::format("{} presentations of {} pixels exceed the 2^32 random streams "
                                   "of a population; present fewer samples",
                                   s->image.size(), pixels))});
  return s;
}

std::unique_ptr<population> make_image_dataset(const network_file& file, int population,
                                               std::shared_ptr<const image_presentation> schedule,
                                               time_grid grid, std::uint64_t seed, std::size_t shards) {
  const config::Population& pop = file.network.population(population);
  const auto first = slice_boundaries(pop.size(), shards);
  std::vector<std::unique_ptr<spikeq::population>> slices;
  for (std::size_t k = 0; k < shards; ++k)
    slices.push_back(std::make_unique<image_dataset>(pop.name(), first[k + 1] - first[k], schedule, grid,
                                                     seed, static_cast<std::uint32_t>(population), first[k]));
  return std::make_unique<sharded_population>(pop.name(), std::move(slices), first);
}

void build_dataset_protocol(const network_file& file, int population, const image_presentation& s,
                            network& net) {
  const ImageDataset& d = file.network.population(population).image_dataset();
  trial_protocol& proto = net.protocol;
  if (!proto.empty() || !proto.targets.empty())
    throw input_error({file.error_at(here(population),
                                     "an image_dataset defines the run's trials and teacher signals; the "
                                     "network may have no protocol or target_series besides")});
  std::uint32_t classes = 0;
  for (const std::uint8_t l : s.label) classes = std::max<std::uint32_t>(classes, l + 1u);
  for (std::uint32_t c = 0; c < classes; ++c) proto.outcome_names.push_back(std::to_string(c));
  proto.trial_ticks = net.grid.to_ticks(s.period_ms);
  const tick_type presentation = net.grid.to_ticks(s.presentation_ms);
  linear_readout* readout = nullptr;
  if (!d.readout().empty()) {
    const int r = net.find_population(d.readout());
    readout =
        r < 0 ? nullptr : dynamic_cast<linear_readout*>(net.populations[static_cast<std::size_t>(r)].get());
    if (readout == nullptr)
      throw input_error({file.error_at(here(population, {{"readout"}}),
                                       fmt::format("'{}' is not a linear_readout population", d.readout()))});
    if (readout->size() < classes)
      throw input_error(
          {file.error_at(here(population, {{"readout"}}),
                         fmt::format("readout '{}' has {} neurons, fewer than the {} classes of "
                                     "the presented samples",
                                     d.readout(), readout->size(), classes))});
    proto.targets.resize(readout->size());
  }
  for (std::size_t k = 0; k < s.image.size(); ++k) {
    const tick_type start = net.grid.to_ticks(s.first_ms + static_cast<double>(k) * s.period_ms);
    proto.trial_start.push_back(start);
    proto.outcome_tick.push_back(start);  // the label is known from the start
    proto.outcome.push_back(s.label[k]);
    proto.sample.push_back(s.image[k]);
    proto.task.push_back(s.task[k]);
    proto.evaluation.push_back(s.evaluation[k]);
    // Error-driven rules learn while a training sample is shown and its teacher is on.
    if (s.evaluation[k] == 0) {
      proto.gate.set(start, 1.0);
      proto.gate.set(start + presentation, 0.0);
    }
    if (readout != nullptr) {
      step_series& target = proto.targets[s.label[k]];
      target.set(start, d.teacher_value());
      target.set(start + presentation, 0.0);
    }
  }
  for (const auto& perm : s.permutation)
    for (std::uint32_t p = 0; p < s.pixels_per_image; ++p)
      proto.pixel_permutation.push_back(perm.empty() ? p : perm[p]);
  // The first training trial of each task (at least one sample per task: samples_per_task
  // = 0 takes all eligible, and a class split has every class it asks for).
  for (std::uint32_t t = 0; t < s.permutation.size(); ++t) {
    std::uint32_t k = 0;
    while (k < s.task.size() && (s.task[k] != t || s.evaluation[k] != 0)) ++k;
    proto.task_start.push_back(k);
  }
  if (readout != nullptr)
    for (neuron_id_type n = 0; n < readout->size(); ++n) readout->set_target(n, &proto.targets[n]);
}

}  // namespace spikeq::io
