spikeq_add_gtest(hdf5_test LABEL unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/hdf5_output_test.cpp
  LIBS spikeq_io_hdf5)
