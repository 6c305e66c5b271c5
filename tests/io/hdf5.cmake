# Tests of io/hdf5 (the output file writers and the reader); included by tests/io/CMakeLists.txt.
# check_sonata.py (the h5py validator of our output) is exercised by hdf5_check_sonata_test.cpp.
spikeq_add_gtest(hdf5_test LABEL unit
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/hdf5_output_test.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/hdf5_safety_test.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/hdf5_errors_test.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/hdf5_check_sonata_test.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/variable_string_read_test.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/global_heap_test.cpp
  LIBS spikeq_io_hdf5)
# Whole chunks are filtered on worker threads: run under ThreadSanitizer too (label threads).
spikeq_add_gtest(chunk_filter_test LABEL threads
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/chunk_filter_test.cpp
  LIBS spikeq_io_hdf5)
