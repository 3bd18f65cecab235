// The two ways a store call fails: StoreError (the database itself: damaged, full, locked,
// unreadable) and Refused (the workflow or site policy does not allow the change). Either way
// nothing was changed.
#pragma once

#include <stdexcept>

namespace mrscreen::store {

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Refused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace mrscreen::store
