// RUN: %check_leakguard %s leak-global-connection %t

// The notes: the replacement, the C-handle wrapper, where a raw owning
// pointer is created, and a never-deleted `new` at static initialisation.

#include "Inputs/connection_clients.h"

class HttpClient {
public:
  explicit HttpClient(const char *Url);
};

HttpClient Value("https://a.example.com");
// CHECK-NOTES: :[[@LINE-1]]:12: warning: global 'Value' creates connection-like 'HttpClient' during static initialisation, before main() and in an order nobody controls [leak-global-connection]
// CHECK-NOTES: :[[@LINE-2]]:12: note: use 'leakguard::managed_singleton<HttpClient>': created on first use, shut down in reverse creation order by 'leakguard::shutdown_registry'

HttpClient *Leaked = new HttpClient("https://b.example.com");
// CHECK-NOTES: :[[@LINE-1]]:13: warning: global 'Leaked' creates connection-like 'HttpClient'
// CHECK-NOTES: :[[@LINE-2]]:13: note: and it is never deleted or closed in this translation unit
// CHECK-NOTES: :[[@LINE-3]]:13: note: use 'leakguard::managed_singleton<HttpClient>'
bool hasLeaked() { return Leaked != nullptr; }

HttpClient *Later = nullptr;
// CHECK-NOTES: :[[@LINE-1]]:13: warning: global pointer 'Later' owns connection-like 'HttpClient' created with 'new' and never deleted or closed in this translation unit
void initLater() {
  Later = new HttpClient("https://c.example.com");
  // CHECK-NOTES: :[[@LINE-1]]:9: note: created here
}
// CHECK-NOTES: :[[@LINE-6]]:13: note: use 'leakguard::managed_singleton<HttpClient>'

CURL *Curl = curl_easy_init();
// CHECK-NOTES: :[[@LINE-1]]:7: warning: global 'Curl' creates connection-like 'CURL' (aka 'void')
// CHECK-NOTES: :[[@LINE-2]]:7: note: wrap the handle in a class whose destructor closes it and hold that in a 'leakguard::managed_singleton': created on first use, shut down in reverse creation order by 'leakguard::shutdown_registry'

HttpClient &instance() {
  static HttpClient Client("https://d.example.com");
  // CHECK-NOTES: :[[@LINE-1]]:21: warning: function-local static 'Client' holds connection-like 'HttpClient' that is never closed
  // CHECK-NOTES: :[[@LINE-2]]:21: note: use 'leakguard::managed_singleton<HttpClient>'
  return Client;
}
