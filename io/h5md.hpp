// The H5MD 1.1 pieces every file of ours carries.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <string>

namespace swf::io {

// /h5md with version [1, 1], author, creator (libswflow + version) and the swflow module.
void write_h5md_root(hid_t file, const std::string& author, const std::string& path);

// <particles group>/box: dimension d, boundary "none" per axis.
void write_box(hid_t particles_group, size_t d, const std::string& path);

}  // namespace swf::io
