// settings.js
