"""What leaves the app for people: the funder report (HTML, PDF, XLSX) and the monthly digest."""
