// The PostgreSQL backend of the store contract (store_backends.h): a database of its own on the
// test run's server, opened as the application role; its test-only helpers run as the owner.
#pragma once

#include "store_backends.h"

#include <memory>

namespace store_fixture {

std::unique_ptr<BackendScratch> makePostgresScratch();

} // namespace store_fixture
