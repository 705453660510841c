#include "h5md.hpp"

#include <vector>

#include "hdf5_util.hpp"
#include "swflow.h"

namespace swf::io {

void write_h5md_root(hid_t file, const std::string& author, const std::string& path) {
  Hid h5md = create_group(file, "/h5md", path);
  write_attribute(h5md, "version", std::vector<int32_t>{1, 1});
  Hid author_group = create_group(h5md, "author", path);
  write_attribute(author_group, "name", author.empty() ? std::string("unknown") : author);
  Hid creator = create_group(h5md, "creator", path);
  write_attribute(creator, "name", std::string("libswflow"));
  write_attribute(creator, "version", std::string(swf_version_string()));
  // Our own semantics (parameters/swflow, observables/sw2) are declared as an H5MD module.
  Hid module = create_group(h5md, "modules/swflow", path);
  write_attribute(module, "version", std::vector<int32_t>{SWF_VERSION_MAJOR, SWF_VERSION_MINOR});
}

void write_box(hid_t particles_group, size_t d, const std::string& path) {
  Hid box = create_group(particles_group, "box", path);
  write_attribute(box, "dimension", static_cast<int64_t>(d));
  write_attribute(box, "boundary", std::vector<std::string>(d, "none"));
}

}  // namespace swf::io
