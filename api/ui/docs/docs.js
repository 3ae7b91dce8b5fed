// The API reference page: Swagger UI (vendored, see README.md here) over
// the server's own /openapi.json. Nothing is fetched from elsewhere: the
// online validator badge is off.
"use strict";

window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    docExpansion: "none",
    defaultModelsExpandDepth: 0,
    displayOperationId: true,
    tryItOutEnabled: false,
  });
});
