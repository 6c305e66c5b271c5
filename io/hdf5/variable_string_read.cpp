#include "io/hdf5/variable_string_read.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "io/hdf5/global_heap.hpp"

namespace spikeq::io {

namespace {

// How a stored variable-length string reaches us: libhdf5 converts its stored form
// (HDF5 1.10: a 4-byte length, the collection's address, a 4-byte object index) to
// this opaque type through copy_descriptor, registered below, instead of following
// the address into the heap. An element of the opaque type is the stored form's size
// (4 bytes, native order), then the stored bytes; all zeros when nothing was stored.
constexpr char descriptor_tag[] = "spikeq: stored variable-length string descriptor";
constexpr std::size_t descriptor_bytes = 32;
constexpr std::size_t largest_stored_form = descriptor_bytes - sizeof(std::uint32_t);

bool is_descriptor_type(hid_t type) {
  if (H5Tget_class(type) != H5T_OPAQUE || H5Tget_size(type) != descriptor_bytes) return false;
  char* tag = H5Tget_tag(type);
  const bool ours = tag != nullptr && std::strcmp(tag, descriptor_tag) == 0;
  H5free_memory(tag);
  return ours;
}

// An HDF5 soft conversion (H5Tregister) from a variable-length string in its stored
// form to the descriptor type: the stored bytes are copied, nothing is dereferenced.
herr_t copy_descriptor(hid_t source, hid_t destination, H5T_cdata_t* cdata, std::size_t count,
                       std::size_t buffer_stride, std::size_t /*background_stride*/, void* buffer,
                       void* /*background*/, hid_t /*transfer*/) {
  switch (cdata->command) {
    case H5T_CONV_INIT: {
      cdata->need_bkg = H5T_BKG_NO;
      const std::size_t stored = H5Tget_size(source);
      const bool accepted = H5Tis_variable_str(source) > 0 && is_descriptor_type(destination) &&
                            stored >= 12 && stored <= largest_stored_form;
      return accepted ? 0 : -1;
    }
    case H5T_CONV_FREE:
      return 0;
    case H5T_CONV_CONV: {
      const std::size_t stored = H5Tget_size(source);
      if (stored < 12 || stored > largest_stored_form || buffer == nullptr) return -1;
      const std::size_t source_stride = buffer_stride != 0 ? buffer_stride : stored;
      const std::size_t destination_stride = buffer_stride != 0 ? buffer_stride : descriptor_bytes;
      auto* bytes = static_cast<unsigned char*>(buffer);
      // In place and growing: from the last element back.
      for (std::size_t i = count; i-- > 0;) {
        std::array<unsigned char, descriptor_bytes> element{};
        const auto size = static_cast<std::uint32_t>(stored);
        std::memcpy(element.data(), &size, sizeof size);
        std::memcpy(element.data() + sizeof size, bytes + i * source_stride, stored);
        std::memcpy(bytes + i * destination_stride, element.data(), element.size());
      }
      return 0;
    }
  }
  return -1;
}

void register_descriptor_conversion(const std::string& file_name, const std::string& where) {
  static std::once_flag once;
  static bool registered = false;
  std::call_once(once, [] {
    const hdf5_handle string_type(H5Tcopy(H5T_C_S1), H5Tclose);
    const hdf5_handle descriptor_type(H5Tcreate(H5T_OPAQUE, descriptor_bytes), H5Tclose);
    registered = string_type.valid() && descriptor_type.valid() &&
                 H5Tset_size(string_type.get(), H5T_VARIABLE) >= 0 &&
                 H5Tset_tag(descriptor_type.get(), descriptor_tag) >= 0 &&
                 H5Tregister(H5T_PERS_SOFT, "spikeq_variable_string_descriptor", string_type.get(),
                             descriptor_type.get(), copy_descriptor) >= 0;
  });
  if (!registered) throw hdf5_error(file_name, where, "cannot register the string descriptor conversion");
}

heap_file_layout layout_of(hid_t file, const std::string& file_name, const std::string& where,
                           std::size_t address_size) {
  auto creation =
      checked(H5Fget_create_plist(file), H5Pclose, file_name, where, "cannot get the file's properties");
  std::size_t stored_address_size = 0;
  std::size_t length_size = 0;
  hsize_t user_block = 0;
  check(H5Pget_sizes(creation.get(), &stored_address_size, &length_size), file_name, where,
        "cannot get the file's address size");
  check(H5Pget_userblock(creation.get(), &user_block), file_name, where, "cannot get the file's user block");
  if (stored_address_size != address_size)
    throw hdf5_error(file_name, where, "the string's stored form does not match the file's address size");
  return {user_block, length_size};
}

}  // namespace

std::string read_variable_string(hid_t file, hid_t object, bool is_attribute, const std::string& file_name,
                                 const std::string& where) {
  register_descriptor_conversion(file_name, where);
  auto descriptor_type =
      checked(H5Tcreate(H5T_OPAQUE, descriptor_bytes), H5Tclose, file_name, where, "cannot create a type");
  check(H5Tset_tag(descriptor_type.get(), descriptor_tag), file_name, where, "cannot tag a type");
  std::array<unsigned char, descriptor_bytes> element{};
  check(is_attribute ? H5Aread(object, descriptor_type.get(), element.data())
                     : H5Dread(object, descriptor_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, element.data()),
        file_name, where, "cannot read a string");
  std::uint32_t stored = 0;
  std::memcpy(&stored, element.data(), sizeof stored);
  if (stored == 0) return "";  // never written (libhdf5 would give a null string)
  const unsigned char* form = element.data() + sizeof stored;
  const std::uint64_t length = little_endian(form, 4);
  if (length == 0) return "";
  const std::size_t address_size = stored - 8;
  if (address_size > 8)
    throw hdf5_error(file_name, where, "unsupported address size " + std::to_string(address_size));
  const global_heap_id id{little_endian(form + 4, address_size),
                          static_cast<std::uint32_t>(little_endian(form + 4 + address_size, 4))};
  std::string value;
  try {
    value = read_global_heap_object(file_name, layout_of(file, file_name, where, address_size), id, length);
  } catch (const global_heap_error& e) {
    throw hdf5_error(file_name, where, std::string("the string's storage is damaged: ") + e.what());
  }
  // As libhdf5's C strings: the value ends at the first terminator.
  value.resize(std::min(value.find('\0'), value.size()));
  return value;
}

}  // namespace spikeq::io
