"""The bundled demo news site (content as data, rendered by :mod:`crawler.demo.site`)."""
