// Point sets from HDF5 files: every numeric type, H5MD groups, and every kind of bad file.
#include "point_set.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "api_handles.hpp"
#include "reference.hpp"
#include "scratch_dir.hpp"

namespace swf::test {
namespace {

namespace fs = std::filesystem;


template <class T>
void write_dataset(const std::string& file, const std::string& name, hid_t type, const std::vector<T>& values,
                   std::vector<hsize_t> dims) {
  const hid_t f = fs::exists(file) ? H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)
                                   : H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  const hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  const hid_t dataset = H5Dcreate2(f, name.c_str(), type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  if (!values.empty()) H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(dataset);
  H5Sclose(space);
  H5Pclose(lcpl);
  H5Fclose(f);
}

std::string last_error() { return swf_last_error(); }

TEST(PointSet, ReadsEveryNumericTypeAsFloat) {
  ScratchDir dir;
  const std::string file = dir.file("types.h5");
  write_dataset<double>(file, "/double", H5T_NATIVE_DOUBLE, {0.5, 1.5, -2.25, 3.0, 4.0, 5.0}, {3, 2});
  write_dataset<int32_t>(file, "/group/int", H5T_NATIVE_INT32, {1, -2, 3, -4, 5, -6}, {2, 3});
  write_dataset<uint8_t>(file, "/u8", H5T_NATIVE_UINT8, {0, 255, 7, 9}, {4, 1});
  size_t n = 0, d = 0;
  ASSERT_EQ(swf_points_shape((file + ":/double").c_str(), &n, &d), SWF_OK) << last_error();
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(d, 2u);
  std::vector<float> x(6);
  ASSERT_EQ(swf_points_read((file + ":/double").c_str(), x.data(), 3, 2), SWF_OK) << last_error();
  EXPECT_EQ(x, (std::vector<float>{0.5f, 1.5f, -2.25f, 3.0f, 4.0f, 5.0f}));
  ASSERT_EQ(swf_points_read((file + ":/group/int").c_str(), x.data(), 2, 3), SWF_OK) << last_error();
  EXPECT_EQ(x, (std::vector<float>{1, -2, 3, -4, 5, -6}));
  std::vector<float> u(4);
  ASSERT_EQ(swf_points_read((file + ":/u8").c_str(), u.data(), 4, 1), SWF_OK) << last_error();
  EXPECT_EQ(u, (std::vector<float>{0, 255, 7, 9}));
}

TEST(PointSet, WriteThenReadIsIdenticalAndIsH5md) {
  ScratchDir dir;
  const std::string file = dir.file("points.h5");
  const std::vector<float> x = gaussian_points(123, 5, 1);
  const uint32_t image_shape[2] = {8, 8};
  ASSERT_EQ(swf_points_write(file.c_str(), "samples", x.data(), 123, 5, image_shape), SWF_OK) << last_error();
  std::vector<float> back(x.size());
  for (const std::string spec : {file, file + ":/particles/samples", file + ":/particles/samples/position"}) {
    ASSERT_EQ(swf_points_read(spec.c_str(), back.data(), 123, 5), SWF_OK) << spec << ": " << last_error();
    EXPECT_EQ(back, x) << spec;
  }
  EXPECT_FALSE(fs::exists(file + ".tmp-" + std::to_string(::getpid())));
}

TEST(PointSet, BadInputNamesTheFileTheDatasetAndTheProblem) {
  ScratchDir dir;
  const std::string file = dir.file("bad.h5");
  write_dataset<float>(file, "/three_d", H5T_NATIVE_FLOAT, std::vector<float>(8, 1.0f), {2, 2, 2});
  write_dataset<float>(file, "/nan", H5T_NATIVE_FLOAT, {1.0f, NAN, 2.0f, 3.0f}, {2, 2});
  write_dataset<float>(file, "/inf", H5T_NATIVE_FLOAT, {1.0f, 2.0f, 3.0f, -INFINITY}, {2, 2});
  write_dataset<float>(file, "/empty", H5T_NATIVE_FLOAT, {}, {0, 3});
  {
    std::ofstream text(dir.file("text.h5"));
    text << "this is not HDF5\n";
  }
  // A real HDF5 file cut in half.
  const std::string whole = dir.file("whole.h5"), truncated = dir.file("truncated.h5");
  ASSERT_EQ(swf_points_write(whole.c_str(), "p", gaussian_points(1000, 3, 2).data(), 1000, 3, nullptr), SWF_OK);
  fs::copy_file(whole, truncated);
  fs::resize_file(truncated, fs::file_size(whole) / 2);

  struct Case {
    std::string spec;
    swf_status status;
    std::string fragment;
  };
  const Case cases[] = {
      {dir.file("missing.h5") + ":/x", SWF_ERR_IO, "missing.h5: no such file"},
      {dir.file("text.h5") + ":/x", SWF_ERR_FORMAT, "not an HDF5 file"},
      {truncated, SWF_ERR_FORMAT, "truncated.h5"},
      {file + ":/nothing", SWF_ERR_FORMAT, "no dataset or group /nothing"},
      {file + ":/three_d", SWF_ERR_FORMAT, "bad.h5:/three_d: has shape [2, 2, 2], expected 2-D"},
      {file + ":/nan", SWF_ERR_FORMAT, "bad.h5:/nan: row 0, column 1 is nan"},
      {file + ":/inf", SWF_ERR_FORMAT, "bad.h5:/inf: row 1, column 1 is -inf"},
      {file + ":/empty", SWF_ERR_FORMAT, "is empty"},
      {file, SWF_ERR_FORMAT, "no /particles group"},
      {dir.path.string(), SWF_ERR_IO, "is a directory"},
  };
  for (const Case& c : cases) {
    size_t n = 0, d = 0;
    swf_status status = swf_points_shape(c.spec.c_str(), &n, &d);
    if (status == SWF_OK) {
      std::vector<float> x(n * d);
      status = swf_points_read(c.spec.c_str(), x.data(), n, d);
    }
    EXPECT_EQ(status, c.status) << c.spec << ": " << last_error();
    EXPECT_NE(last_error().find(c.fragment), std::string::npos) << c.spec << " gave \"" << last_error() << "\"";
  }
  std::vector<float> x(6);
  EXPECT_EQ(swf_points_read((whole + ":/particles/p").c_str(), x.data(), 2, 3), SWF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("holds 1000 x 3 values, not 2 x 3"), std::string::npos) << last_error();
}

TEST(PointSet, FailedWriteLeavesTheEarlierFile) {
  ScratchDir dir;
  const std::string file = dir.file("keep.h5");
  const std::vector<float> x = gaussian_points(10, 2, 3);
  ASSERT_EQ(swf_points_write(file.c_str(), "p", x.data(), 10, 2, nullptr), SWF_OK);
  std::vector<float> bad = x;
  bad[3] = NAN;
  EXPECT_EQ(swf_points_write(file.c_str(), "p", bad.data(), 10, 2, nullptr), SWF_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(swf_points_write((dir.file("no-such-dir") + "/x.h5").c_str(), "p", x.data(), 10, 2, nullptr), SWF_ERR_IO);
  std::vector<float> back(20);
  ASSERT_EQ(swf_points_read(file.c_str(), back.data(), 10, 2), SWF_OK) << last_error();
  EXPECT_EQ(back, x);
}

TEST(Datasets, BuiltinsHaveTheirShapeAndAreReproducible) {
  const std::string names = swf_dataset_names();
  for (const std::string name : {"moons", "swiss-roll", "8-gaussians", "checkerboard", "rings"}) {
    EXPECT_NE(names.find(name), std::string::npos);
    std::vector<float> a(2000), b(2000);
    ASSERT_EQ(swf_dataset_generate(name.c_str(), 1000, 2, 5, a.data()), SWF_OK) << last_error();
    ASSERT_EQ(swf_dataset_generate(name.c_str(), 1000, 2, 5, b.data()), SWF_OK);
    EXPECT_EQ(a, b);
    for (float v : a) ASSERT_TRUE(std::isfinite(v) && std::fabs(v) < 10.0f) << name;
    EXPECT_EQ(swf_dataset_generate(name.c_str(), 10, 3, 5, a.data()), SWF_ERR_INVALID_ARGUMENT);
  }
  // 8-gaussians: every point within 0.6 of one of the eight centres on the circle of radius 2.
  std::vector<float> ring(2000);
  ASSERT_EQ(swf_dataset_generate("8-gaussians", 1000, 2, 1, ring.data()), SWF_OK);
  for (size_t i = 0; i < 1000; ++i) EXPECT_NEAR(std::hypot(ring[2 * i], ring[2 * i + 1]), 2.0, 0.6);
  // gaussian: mean k/d, per-pair rotated variances summing to those of the axes.
  const size_t d = 4, n = 100000;
  std::vector<float> g(n * d);
  ASSERT_EQ(swf_dataset_generate("gaussian", n, d, 2, g.data()), SWF_OK);
  const std::vector<double> mean = column_means(g, d), cov = covariance(g, d);
  for (size_t k = 0; k < d; ++k) EXPECT_NEAR(mean[k], double(k) / d, 0.02);
  const double s0 = 0.5, s1 = 0.75;
  EXPECT_NEAR(cov[0] + cov[d + 1], s0 * s0 + s1 * s1, 0.02);
  EXPECT_GT(std::fabs(cov[1]), 0.05);  // correlated
  EXPECT_EQ(swf_dataset_generate("nope", 10, 2, 5, g.data()), SWF_ERR_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("unknown dataset \"nope\""), std::string::npos);
}

}  // namespace
}  // namespace swf::test
