// dashboard.js
