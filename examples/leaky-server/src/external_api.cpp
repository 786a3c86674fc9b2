#include "external_api_client.hpp"

#include <cstdlib>

namespace leaky {

ExternalApiClient* g_api = new ExternalApiClient(std::getenv("LEAKY_API_KEY"));

}  // namespace leaky
