#include "external_api_client.hpp"

#include <leakguard/managed_singleton.hpp>

#include <cstdlib>
#include <memory>

namespace fixed {

leakguard::managed_singleton<ExternalApiClient> g_api{
    [] { return std::make_unique<ExternalApiClient>(std::getenv("LEAKY_API_KEY")); },
    leakguard::singleton_options{"external api client", nullptr, -10}};

}  // namespace fixed
