#include "philox.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace swf {
namespace {

// Known-answer vectors of Random123's kat_vectors (counter[4], key[2] -> output[4]).
TEST(Philox, KnownAnswerVectors) {
  struct Case {
    Philox4x32 counter;
    uint32_t key0, key1;
    Philox4x32 expected;
  };
  const Case cases[] = {
      {{{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
      {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}}, 0xffffffff, 0xffffffff,
       {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
      {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, 0xa4093822, 0x299f31d0,
       {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
  };
  for (const Case& c : cases) {
    const Philox4x32 out = philox4x32_10(c.counter, c.key0, c.key1);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(out.v[k], c.expected.v[k]);
  }
}

TEST(Philox, NormalsHaveUnitMomentsAndStreamsDiffer) {
  const RandomDraw draw{12345, Stream::noise, 7};
  const int count = 400000;
  double sum = 0, sum2 = 0, sum4 = 0;
  for (int e = 0; e < count; ++e) {
    const double z = draw.normal(e);
    sum += z;
    sum2 += z * z;
    sum4 += z * z * z * z;
  }
  EXPECT_NEAR(sum / count, 0.0, 5.0 / std::sqrt(count));
  EXPECT_NEAR(sum2 / count, 1.0, 5.0 * std::sqrt(2.0 / count));
  EXPECT_NEAR(sum4 / count, 3.0, 5.0 * std::sqrt(96.0 / count));
  const RandomDraw other_stream{12345, Stream::directions, 7}, other_index{12345, Stream::noise, 8};
  EXPECT_NE(draw.normal(0), other_stream.normal(0));
  EXPECT_NE(draw.normal(0), other_index.normal(0));
  EXPECT_EQ(draw.normal(99), (RandomDraw{12345, Stream::noise, 7}.normal(99)));
}

TEST(Philox, UniformsStayInsideTheOpenInterval) {
  const RandomDraw draw{0, Stream::initial, 0};
  double sum = 0;
  for (int e = 0; e < 100000; ++e) {
    const double u = draw.uniform(e);
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
}

}  // namespace
}  // namespace swf
